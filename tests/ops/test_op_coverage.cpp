// Coverage of ops.def: every op has cases in the op table; kernel ops have a reference and
// a fast kernel; differentiable ops are gradchecked and compared with a PyTorch fixture.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "kernels/kernels.h"
#include "ops/op_case.h"
#include "ops/op_list.h"

namespace ember::test {
namespace {

bool has_kernel(const std::string& op, Backend b) {
#define EMBER_KERNEL_OP(name, sig, grad) \
  if (op == #name) return kernels::name.has(b);
#include "ember/core/ops.def"
  return false;
}

TEST(OpCoverage, EveryKernelOpHasReferenceAndFastKernels) {
  for (const auto& e : op_list()) {
    if (!e.has_kernel) continue;
    EXPECT_TRUE(has_kernel(e.name, Backend::ref)) << e.name << " has no reference kernel";
    EXPECT_TRUE(has_kernel(e.name, Backend::cpu)) << e.name << " has no cpu kernel";
  }
}

TEST(OpCoverage, EveryOpHasATestCase) {
  std::set<std::string> covered;
  for (const auto& c : all_op_cases()) covered.insert(c.op);
  for (const auto& e : op_list()) {
    if (e.grad == GradKind::Backward) continue;  // exercised through its forward op's gradients
    EXPECT_TRUE(covered.count(e.name)) << e.name << " has no case in tests/ops/op_cases_*.cpp";
  }
}

TEST(OpCoverage, EveryDifferentiableOpIsGradcheckedAndHasAPyTorchFixture) {
  std::set<std::string> gradchecked, fixtured;
  for (const auto& c : all_op_cases()) {
    if (c.gradcheck) gradchecked.insert(c.op);
    std::string path = std::string(EMBER_TEST_REFERENCE_DIR) + "/ops/" + c.name + ".safetensors";
    if (c.fixture && std::filesystem::exists(path)) fixtured.insert(c.op);
  }
  for (const auto& e : op_list()) {
    if (e.grad == GradKind::Backward) continue;
    if (e.grad == GradKind::Diff) {
      EXPECT_TRUE(gradchecked.count(e.name)) << e.name << " has no gradchecked case";
    }
    EXPECT_TRUE(fixtured.count(e.name)) << e.name << " has no case with a PyTorch fixture";
  }
}

TEST(OpCoverage, CaseNamesAreUniqueAndNameAListedOp) {
  std::set<std::string> names, ops;
  for (const auto& e : op_list()) ops.insert(e.name);
  for (const auto& c : all_op_cases()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case name " << c.name;
    EXPECT_TRUE(ops.count(c.op)) << c.name << " covers '" << c.op << "', which is not in ops.def";
  }
}

}  // namespace
}  // namespace ember::test
