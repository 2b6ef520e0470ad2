#include "parse/pam.hpp"

#include "util/strings.hpp"

namespace fleetaudit::parse {
namespace {

constexpr int kMaxDepth = 8;

void read(const TextSource& source, const std::string& path, int depth, PamStack& out) {
  FileText ft = source.text(path);
  if (ft.status != FileText::Status::ok) {
    const char* why = ft.status == FileText::Status::missing      ? "does not exist"
                      : ft.status == FileText::Status::unreadable ? "is unreadable"
                                                                  : "was not collected";
    out.problems.push_back(path + " " + why + (ft.reason.empty() ? "" : ": " + ft.reason));
    if (ft.status != FileText::Status::missing) out.incomplete = true;
    return;
  }
  std::string joined;
  int start = 0;
  for (const auto& [raw, number] : util::split_lines(ft.text)) {
    if (joined.empty()) start = number;
    std::string_view part = raw;
    bool cont = !part.empty() && part.back() == '\\';
    if (cont) {
      part.remove_suffix(1);
      joined.append(part).append(" ");
      continue;
    }
    joined.append(part);
    std::string_view line = util::trim(joined);
    if (line.empty() || line.front() == '#') {
      joined.clear();
      continue;
    }
    if (line.front() == '@') {
      auto words = util::split_ws(line);
      if (words[0] == "@include" && words.size() >= 2) {
        if (depth >= kMaxDepth) {
          out.problems.push_back(path + ":" + std::to_string(start) + ": @include nested too deeply");
          out.incomplete = true;
        } else {
          std::string target(words[1]);
          if (target.front() != '/') target = "/etc/pam.d/" + target;
          read(source, target, depth + 1, out);
        }
      }
      joined.clear();
      continue;
    }
    PamLine pl;
    pl.file = path;
    pl.line = start;
    std::size_t i = 0;
    auto next_token = [&]() -> std::string {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i >= line.size()) return {};
      std::size_t j = i;
      if (line[i] == '[') {
        std::size_t close = line.find(']', i);
        j = close == std::string_view::npos ? line.size() : close + 1;
      } else {
        while (j < line.size() && line[j] != ' ' && line[j] != '\t') {
          // an argument may hold a bracketed value with spaces: "foo=[a b]"
          if (line[j] == '[') {
            std::size_t close = line.find(']', j);
            j = close == std::string_view::npos ? line.size() : close + 1;
            continue;
          }
          ++j;
        }
      }
      std::string tok(line.substr(i, j - i));
      i = j;
      return tok;
    };
    pl.type = next_token();
    if (!pl.type.empty() && pl.type.front() == '-') pl.type.erase(0, 1);
    pl.type = util::to_lower(pl.type);
    pl.control = next_token();
    pl.module = next_token();
    for (std::string a = next_token(); !a.empty(); a = next_token()) pl.args.push_back(std::move(a));
    out.lines.push_back(std::move(pl));
    joined.clear();
  }
}

}  // namespace

std::string_view PamLine::module_name() const {
  std::string_view m = module;
  std::size_t slash = m.rfind('/');
  return slash == std::string_view::npos ? m : m.substr(slash + 1);
}

const std::string* PamLine::find_arg(std::string_view name) const {
  for (const auto& a : args) {
    if (a == name || (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '='))
      return &a;
  }
  return nullptr;
}

std::string_view PamLine::arg_value(std::string_view name) const {
  const std::string* a = find_arg(name);
  if (!a || a->size() == name.size()) return {};
  return std::string_view(*a).substr(name.size() + 1);
}

PamStack parse_pam(const TextSource& source, std::string_view path) {
  PamStack out;
  read(source, std::string(path), 0, out);
  return out;
}

}  // namespace fleetaudit::parse
