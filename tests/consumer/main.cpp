// A downstream program built against an installed ember: it needs only the umbrella header,
// and it checks a forward result, a gradient and a safetensors round trip through the
// installed library (which must bring its thread and zlib dependencies along by itself).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include <ember/ember.h>

namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "consumer: FAILED: %s\n", what.c_str());
    ++failures;
  }
}

}  // namespace

int main() {
  using namespace ember;

  // sum of squares of 0..5 is 55
  Tensor a = arange(6).to(DType::float32).reshape({2, 3});
  check((a * a).sum().item<float>() == 55.0f, "sum(a * a) == 55");

  // d/dx sum(x^2) = 2x
  Tensor x = tensor({1.f, -2.f, 3.f}).requires_grad_();
  (x * x).sum().backward();
  check(x.grad().to_vector<float>() == std::vector<float>{2.f, -4.f, 6.f}, "grad of sum(x*x)");

  std::string path =
      (std::filesystem::temp_directory_path() / "ember_consumer.safetensors").string();
  io::save_safetensors(path, {{"a", a}});
  Tensor back = io::load_safetensors(path).tensors.at("a");
  std::filesystem::remove(path);
  check(back.to_vector<float>() == a.to_vector<float>(), "safetensors round trip");

  if (failures > 0) return 1;
  std::printf("consumer: ok (ember %s)\n", build_info().version.c_str());
  return 0;
}
