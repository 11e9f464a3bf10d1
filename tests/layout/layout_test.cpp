// The layout's promises, checked on the source tree itself so that they stay
// true as code lands (docs/DESIGN.md, "Where things are"):
// - every "decision N" the code or README cites is a heading of the design;
// - every folder at the top has its row in the design's folder table;
// - no product source includes test code;
// - the #include graph between top-level folders has no cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = BRONZE_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Folders that hold no code of ours: build output, VCS, editor state.
bool ignored(const fs::path& relative) {
  std::string first = relative.begin()->string();
  return first.rfind("_", 0) == 0 || first.rfind(".", 0) == 0;
}

// Every file under the source tree with one of `extensions`, relative.
std::vector<fs::path> files_with(const std::set<std::string>& extensions) {
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(kSource); it != fs::recursive_directory_iterator(); ++it) {
    fs::path relative = fs::relative(it->path(), kSource);
    if (it->is_directory() && ignored(relative)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string name = relative.filename().string();
    if (extensions.count(relative.extension().string()) || extensions.count(name)) found.push_back(relative);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<fs::path> sources() { return files_with({".cpp", ".h"}); }

// Suites and helpers under tests/ and bench/; unit tests next to their code.
bool is_test_code(const fs::path& relative) {
  std::string first = relative.begin()->string();
  std::string name = relative.filename().string();
  bool unit_test = name.size() > 9 && name.compare(name.size() - 9, 9, "_test.cpp") == 0;
  return first == "tests" || first == "bench" || unit_test;
}

std::string design() {
  fs::path path = kSource / "docs/DESIGN.md";
  EXPECT_TRUE(fs::exists(path)) << "docs/DESIGN.md is missing";
  return read(path);
}

std::set<int> decision_headings(const std::string& text) {
  std::set<int> numbers;
  std::regex heading(R"(\n### Decision (\d+): )");
  for (std::sregex_iterator it(text.begin(), text.end(), heading), end; it != end; ++it) {
    numbers.insert(std::stoi((*it)[1]));
  }
  return numbers;
}

// "decision 4", "decisions 1 and 2", "decisions 9, 10 and 11", also where a
// comment wraps the line between the word and its numbers.
std::vector<int> cited_decisions(const std::string& text) {
  std::vector<int> numbers;
  std::regex citation(R"([Dd]ecisions?((?:\s|//|#)+\d+(?:(?:,|\s+and)\s*(?://|#)?\s*\d+)*))");
  std::regex number(R"(\d+)");
  for (std::sregex_iterator it(text.begin(), text.end(), citation), end; it != end; ++it) {
    std::string list = (*it)[1];
    for (std::sregex_iterator n(list.begin(), list.end(), number), none; n != none; ++n) numbers.push_back(std::stoi((*n)[0]));
  }
  return numbers;
}

TEST(RepositoryLayout, EveryCitedDecisionIsAHeadingOfTheDesign) {
  std::set<int> headings = decision_headings(design());
  ASSERT_FALSE(headings.empty()) << "docs/DESIGN.md has no '### Decision N: ' headings";
  size_t citations = 0;
  std::vector<fs::path> cited_in = files_with({".cpp", ".h", ".cmake", ".txt", ".sh", ".proto", "Makefile"});
  cited_in.push_back("README.md");
  for (const auto& file : cited_in) {
    for (int n : cited_decisions(read(kSource / file))) {
      ++citations;
      EXPECT_TRUE(headings.count(n)) << file << " cites decision " << n << ", which docs/DESIGN.md does not have";
    }
  }
  EXPECT_GT(citations, 10u) << "the code cites its decisions; a citation form this test misses would go unchecked";
}

TEST(RepositoryLayout, DecisionsAreNumberedWithoutGaps) {
  std::set<int> headings = decision_headings(design());
  int expected = 1;
  for (int n : headings) EXPECT_EQ(n, expected++) << "decision numbers skip or repeat";
}

TEST(RepositoryLayout, EveryTopLevelFolderHasItsRowInTheDesign) {
  std::string text = design();
  for (const auto& entry : fs::directory_iterator(kSource)) {
    if (!entry.is_directory()) continue;
    fs::path name = entry.path().filename();
    if (ignored(name)) continue;
    EXPECT_NE(text.find("| `" + name.string() + "/`"), std::string::npos)
        << name << "/ is not in docs/DESIGN.md's folder table (\"Where things are\"); say what it holds there";
  }
}

TEST(RepositoryLayout, ProductCodeIncludesNoTestCode) {
  std::regex include(R"(#include\s+"(tests|bench)/[^"]+")");
  for (const auto& file : sources()) {
    if (is_test_code(file)) continue;
    std::string text = read(kSource / file);
    std::smatch m;
    EXPECT_FALSE(std::regex_search(text, m, include)) << file << " includes test code: " << m.str();
  }
}

TEST(RepositoryLayout, TopLevelFoldersIncludeEachOtherWithoutCycles) {
  std::map<std::string, std::set<std::string>> edges;
  std::regex include(R"(#include\s+"([a-z_0-9]+)/[^"]+")");
  for (const auto& file : sources()) {
    if (is_test_code(file) || file.begin() == std::prev(file.end())) continue;
    std::string from = file.begin()->string();
    std::string text = read(kSource / file);
    for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) {
      std::string to = (*it)[1];
      if (to != from && fs::is_directory(kSource / to)) edges[from].insert(to);
    }
  }
  // Depth-first search; a folder met again while on the stack closes a cycle.
  std::map<std::string, int> state;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& folder) {
    state[folder] = 1;
    stack.push_back(folder);
    for (const auto& next : edges[folder]) {
      if (state[next] == 1) {
        std::string cycle;
        for (auto it = std::find(stack.begin(), stack.end(), next); it != stack.end(); ++it) cycle += *it + " -> ";
        ADD_FAILURE() << "include cycle between top-level folders: " << cycle << next;
      } else if (state[next] == 0) {
        visit(next);
      }
    }
    stack.pop_back();
    state[folder] = 2;
  };
  for (const auto& [folder, targets] : edges) {
    if (state[folder] == 0) visit(folder);
  }
}

}  // namespace
}  // namespace bronze::test
