#include "content/yaml_reader.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace fleetaudit::detail {

void YamlContext::error(const yaml::Node& at, std::string message) {
  SourceLocation loc = where(at);
  out_.push_back({std::move(loc), std::move(message)});
}

void YamlContext::error_at(int line, int column, std::string message) {
  out_.push_back({{file_, line, column}, std::move(message)});
}

SourceLocation YamlContext::where(const yaml::Node& at) const {
  yaml::Mark m = at.mark();
  if (m.is_null()) return {file_, 0, 0};
  return {file_, m.line + 1, m.column + 1};
}

std::optional<std::string> YamlContext::string(const yaml::Node& n, std::string_view what) {
  if (!n.IsScalar()) {
    error(n, "'" + std::string(what) + "' must be a string");
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<bool> YamlContext::boolean(const yaml::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    const std::string s = util::to_lower(n.Scalar());
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error(n, "'" + std::string(what) + "' must be true or false");
  return std::nullopt;
}

std::optional<long long> YamlContext::integer(const yaml::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    if (auto v = util::parse_int(n.Scalar())) return v;
  }
  error(n, "'" + std::string(what) + "' must be an integer");
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlContext::string_list(const yaml::Node& n, std::string_view what) {
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (n.IsSequence()) {
    bool good = true;
    for (const auto& item : n.items()) {
      if (!item.IsScalar()) {
        error(item, "'" + std::string(what) + "' items must be strings");
        good = false;
        continue;
      }
      out.push_back(item.Scalar());
    }
    if (!good) return std::nullopt;
    return out;
  }
  error(n, "'" + std::string(what) + "' must be a string or a list of strings");
  return std::nullopt;
}

MapReader::MapReader(YamlContext& ctx, const yaml::Node& node, std::string what)
    : ctx_(ctx), node_(node), what_(std::move(what)) {
  if (!node.IsMap()) {
    ctx_.error(node, what_ + " must be a mapping");
    ok_ = false;
    return;
  }
  // yaml-cpp keeps duplicate keys; the first would silently win, so refuse them.
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : node.pairs()) {
    if (!kv.first.IsScalar()) {
      ctx_.error(kv.first, "keys of " + what_ + " must be strings");
      ok_ = false;
      continue;
    }
    if (!seen.insert(kv.first.Scalar()).second) {
      ctx_.error(kv.first, "duplicate key '" + kv.first.Scalar() + "' in " + what_);
      ok_ = false;
    }
  }
}

bool MapReader::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  for (const auto& kv : node_.pairs()) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return true;
  }
  return false;
}

yaml::Node MapReader::get(std::string_view key) {
  asked_.emplace(key);
  if (!node_.IsMap()) return yaml::Node();
  for (const auto& kv : node_.pairs()) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  }
  return yaml::Node();
}

yaml::Node MapReader::require(std::string_view key) {
  yaml::Node n = get(key);
  if (!n.IsDefined()) ctx_.error(node_, what_ + " lacks required key '" + std::string(key) + "'");
  return n;
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  if (!node_.IsMap()) return out;
  for (const auto& kv : node_.pairs()) {
    if (kv.first.IsScalar()) out.push_back(kv.first.Scalar());
  }
  return out;
}

void MapReader::finish() {
  if (!node_.IsMap()) return;
  std::vector<std::string> known(asked_.begin(), asked_.end());
  for (const auto& kv : node_.pairs()) {
    if (!kv.first.IsScalar() || asked_.count(kv.first.Scalar())) continue;
    std::string msg = "unknown key '" + kv.first.Scalar() + "' in " + what_;
    if (auto s = suggest(kv.first.Scalar(), known)) msg += " (did you mean '" + *s + "'?)";
    ctx_.error(kv.first, std::move(msg));
  }
}

std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    std::size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace fleetaudit::detail
