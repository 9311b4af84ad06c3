// Reads the table-driven test cases in tests/data/*.tsv: one case per line, tab-separated,
// '#' comments, \xNN escapes for bytes a text file cannot hold (NUL, control bytes).
#pragma once

#include <cctype>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sealpost::test {

inline std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x') {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 2, 2), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

inline std::vector<std::vector<std::string>> read_tsv(const std::string& path, std::size_t columns) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    if (cols.size() != columns) throw std::runtime_error(path + ": bad line: " + line);
    rows.push_back(std::move(cols));
  }
  return rows;
}

inline std::string data_path(const std::string& name) { return std::string(SEALPOST_TEST_DATA_DIR) + "/" + name; }

// A case's name as a GoogleTest name: letters and digits kept, anything else '_'.
inline std::string test_name(std::string name) {
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

}  // namespace sealpost::test
