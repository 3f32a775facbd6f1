// Source rules that a compiler does not check (STYLE.md principles 2 and 6):
//   - layers depend only downward: no file in src/ or include/ includes a higher layer;
//   - library code never calls exit, abort or assert.
// Both read the source tree (EMBER_SOURCE_DIR) and list every offending line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Layer ranks (ARCHITECTURE.md, "Layers"). ops and autograd share a rank: ops record
// autograd nodes and the engine calls ops for backward formulas, as ATen and PyTorch's
// autograd do. dist (data-parallel training) sits above optim and below train.
const std::map<std::string, int> kRanks = {
    {"core", 0}, {"kernels", 1}, {"autograd", 2}, {"ops", 2},   {"io", 3},
    {"nn", 4},   {"optim", 5},   {"data", 5},     {"quant", 6}, {"models", 6},
    {"dist", 6}, {"train", 7},   {"serve", 8},    {"tools", 9},
};

const fs::path kRoot = EMBER_SOURCE_DIR;

bool is_source(const fs::path& p) {
  static const std::vector<std::string> exts = {".h", ".hpp", ".cpp", ".cc", ".cu", ".cuh", ".def"};
  return std::find(exts.begin(), exts.end(), p.extension().string()) != exts.end();
}

std::vector<fs::path> sources_under(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && is_source(e.path())) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The layer a file belongs to: src/<layer>/... or include/ember/<layer>/...; nullopt for the
// top-level headers (ember.h, version.h), which belong to no layer.
std::optional<std::string> layer_of_file(const fs::path& file) {
  fs::path rel = fs::relative(file, kRoot);
  auto it = rel.begin();
  std::string top = (it++)->string();
  if (top == "include") {
    if (it == rel.end() || (it++)->string() != "ember") return std::nullopt;
  } else if (top != "src") {
    return std::nullopt;
  }
  if (it == rel.end()) return std::nullopt;
  std::string layer = it->string();
  if (++it == rel.end()) return std::nullopt;  // a file directly in src/ or include/ember/
  return layer;
}

// The layer an include names: "ember/<layer>/..." (public) or "<layer>/..." (src-relative).
std::optional<std::string> layer_of_include(const std::string& path) {
  std::string p = path.rfind("ember/", 0) == 0 ? path.substr(6) : path;
  size_t slash = p.find('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string first = p.substr(0, slash);
  if (kRanks.count(first) == 0) return std::nullopt;
  return first;
}

// Removes comments and string/char literals, keeping line breaks, so that only code is
// searched. Good enough for our sources (no raw strings spanning lines in src/).
std::string code_only(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  enum { code, line_comment, block_comment, str, chr } state = code;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state) {
      case code:
        if (c == '/' && next == '/') {
          state = line_comment;
          ++i;
        } else if (c == '/' && next == '*') {
          state = block_comment;
          ++i;
        } else if (c == '"') {
          state = str;
          out += "\"\"";
        } else if (c == '\'') {
          state = chr;
        } else {
          out += c;
        }
        break;
      case line_comment:
        if (c == '\n') {
          state = code;
          out += c;
        }
        break;
      case block_comment:
        if (c == '\n') out += c;
        if (c == '*' && next == '/') {
          state = code;
          ++i;
        }
        break;
      case str:
      case chr:
        if (c == '\\') {
          ++i;
        } else if ((state == str && c == '"') || (state == chr && c == '\'')) {
          state = code;
        } else if (c == '\n') {
          state = code;  // an unterminated literal; do not swallow the file
          out += c;
        }
        break;
    }
  }
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Layering, EveryLayerFolderHasARank) {
  std::vector<std::string> unknown;
  for (const fs::path& dir : {kRoot / "src", kRoot / "include" / "ember"}) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory() && kRanks.count(e.path().filename().string()) == 0) {
        unknown.push_back(fs::relative(e.path(), kRoot).string());
      }
    }
  }
  EXPECT_TRUE(unknown.empty()) << "folders without a layer rank (add them to kRanks and to "
                                  "ARCHITECTURE.md): "
                               << ::testing::PrintToString(unknown);
}

TEST(Layering, NoFileIncludesAHigherLayer) {
  const std::regex include_re(R"(^\s*#\s*include\s*["<]([^">]+)[">])");
  std::vector<std::string> violations;
  int checked = 0;
  for (const fs::path& dir : {kRoot / "src", kRoot / "include"}) {
    for (const fs::path& file : sources_under(dir)) {
      std::optional<std::string> from = layer_of_file(file);
      if (!from || kRanks.count(*from) == 0) continue;
      std::ifstream in(file);
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        std::smatch m;
        if (!std::regex_search(line, m, include_re)) continue;
        std::optional<std::string> to = layer_of_include(m[1].str());
        ++checked;
        if (to && kRanks.at(*to) > kRanks.at(*from)) {
          violations.push_back(fs::relative(file, kRoot).string() + ":" + std::to_string(n) + ": " +
                               *from + " (rank " + std::to_string(kRanks.at(*from)) +
                               ") includes " + m[1].str() + " (" + *to + ", rank " +
                               std::to_string(kRanks.at(*to)) + ")");
        }
      }
    }
  }
  EXPECT_GT(checked, 50) << "found almost no includes: is EMBER_SOURCE_DIR right? " << kRoot;
  std::string list;
  for (const auto& v : violations) list += "  " + v + "\n";
  EXPECT_TRUE(violations.empty()) << "upward includes (layers depend only downward, see "
                                     "ARCHITECTURE.md):\n"
                                  << list;
}

TEST(SourceRules, LibraryCodeNeverCallsExitAbortOrAssert) {
  // Errors are exceptions (EMBER_CHECK, EMBER_ASSERT): a library must not end its host's
  // process. static_assert and EMBER_ASSERT do not match the pattern.
  const std::regex call_re(R"(\b(exit|abort|assert)\s*\()");
  std::vector<std::string> violations;
  for (const fs::path& file : sources_under(kRoot / "src")) {
    std::istringstream code(code_only(read_text(file)));
    std::string line;
    for (int n = 1; std::getline(code, line); ++n) {
      if (std::regex_search(line, call_re)) {
        violations.push_back(fs::relative(file, kRoot).string() + ":" + std::to_string(n) + ": " +
                             line);
      }
    }
  }
  std::string list;
  for (const auto& v : violations) list += "  " + v + "\n";
  EXPECT_TRUE(violations.empty()) << "exit/abort/assert in src/ (throw with EMBER_CHECK or "
                                     "EMBER_ASSERT instead):\n"
                                  << list;
}

TEST(SourceRules, TheStripperSeesOnlyCode) {
  EXPECT_EQ(code_only("a(); // abort()\nb(\"exit(\"); /* assert(x)\n */ c('\"');"),
            "a(); \nb(\"\"); \n c();");
  EXPECT_FALSE(layer_of_include("gtest/gtest.h").has_value());
  EXPECT_EQ(layer_of_include("ember/nn/module.h"), "nn");
  EXPECT_EQ(layer_of_include("kernels/ref/strided.h"), "kernels");
  EXPECT_FALSE(layer_of_include("ember/version.h").has_value());
}

}  // namespace
