// Source rules that a compiler does not check (STYLE.md principles 2 and 6):
//   - layers depend only downward: no file in src/ or include/ includes a higher layer;
//   - library code never calls exit, abort or assert.
// Both read the source tree (EMBER_SOURCE_DIR) and list every offending line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
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

// The path of an `#include "..."` or `#include <...>` line; nullopt for any other line.
// (Hand-parsed rather than std::regex: GCC 12 reports false maybe-uninitialized warnings
// inside <regex> under -O2 with the sanitizers.)
std::optional<std::string> included_path(const std::string& line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] != '#') return std::nullopt;
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos || line.compare(i, 7, "include") != 0) return std::nullopt;
  i = line.find_first_not_of(" \t", i + 7);
  if (i == std::string::npos || (line[i] != '"' && line[i] != '<')) return std::nullopt;
  size_t end = line.find(line[i] == '"' ? '"' : '>', i + 1);
  if (end == std::string::npos) return std::nullopt;
  return line.substr(i + 1, end - i - 1);
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// True when `line` calls exit, abort or assert: the whole word, then optional spaces and '('.
// static_assert and EMBER_ASSERT are other words.
bool calls_exit_abort_or_assert(const std::string& line) {
  for (const std::string word : {"exit", "abort", "assert"}) {
    for (size_t at = line.find(word); at != std::string::npos; at = line.find(word, at + 1)) {
      if (at > 0 && is_word_char(line[at - 1])) continue;
      size_t next = line.find_first_not_of(" \t", at + word.size());
      if (next != std::string::npos && line[next] == '(') return true;
    }
  }
  return false;
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
  std::vector<std::string> violations;
  int checked = 0;
  for (const fs::path& dir : {kRoot / "src", kRoot / "include"}) {
    for (const fs::path& file : sources_under(dir)) {
      std::optional<std::string> from = layer_of_file(file);
      if (!from || kRanks.count(*from) == 0) continue;
      std::ifstream in(file);
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        std::optional<std::string> included = included_path(line);
        if (!included) continue;
        std::optional<std::string> to = layer_of_include(*included);
        ++checked;
        if (to && kRanks.at(*to) > kRanks.at(*from)) {
          violations.push_back(fs::relative(file, kRoot).string() + ":" + std::to_string(n) + ": " +
                               *from + " (rank " + std::to_string(kRanks.at(*from)) +
                               ") includes " + *included + " (" + *to + ", rank " +
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
  // process.
  std::vector<std::string> violations;
  for (const fs::path& file : sources_under(kRoot / "src")) {
    std::istringstream code(code_only(read_text(file)));
    std::string line;
    for (int n = 1; std::getline(code, line); ++n) {
      if (calls_exit_abort_or_assert(line)) {
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

TEST(SourceRules, TheMatchersFindWhatTheyShould) {
  EXPECT_EQ(included_path("  #  include \"ember/core/tensor.h\"  // why"), "ember/core/tensor.h");
  EXPECT_EQ(included_path("#include <gtest/gtest.h>"), "gtest/gtest.h");
  EXPECT_FALSE(included_path("// #include \"x.h\"").has_value());
  EXPECT_FALSE(included_path("#pragma once").has_value());
  EXPECT_TRUE(calls_exit_abort_or_assert("  std::exit(1);"));
  EXPECT_TRUE(calls_exit_abort_or_assert("if (x) abort ();"));
  EXPECT_TRUE(calls_exit_abort_or_assert("assert(p != nullptr);"));
  EXPECT_FALSE(calls_exit_abort_or_assert("static_assert(sizeof(T) == 2);"));
  EXPECT_FALSE(calls_exit_abort_or_assert("EMBER_ASSERT(ok, \"bad\");"));
  EXPECT_FALSE(calls_exit_abort_or_assert("on_exit_handler(); bool exited = true;"));
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
