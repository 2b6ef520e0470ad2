#include <algorithm>

#include "content/rule.hpp"
#include "util/strings.hpp"

namespace fleetaudit::detail {
namespace {

bool same(std::string_view a, std::string_view b, bool case_sensitive) {
  return case_sensitive ? a == b : util::iequals(a, b);
}

std::vector<std::string_view> list_items(std::string_view value) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ',' || value[i] == ' ' || value[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < value.size() && value[j] != ',' && value[j] != ' ' && value[j] != '\t') ++j;
    if (j > i) out.push_back(value.substr(i, j - i));
    i = j;
  }
  return out;
}

// An empty value would vanish from a message: it is shown as "".
std::string shown(const std::string& v) { return v.empty() ? std::string("\"\"") : v; }

std::string describe_one(const ValueTest::Constraint& c) {
  auto list = [&] {
    std::vector<std::string> vs;
    for (const auto& v : c.values) vs.push_back(shown(v));
    return "[" + util::join(vs, ", ") + "]";
  };
  switch (c.op) {
    case ValueTest::Op::equals: return "equals " + shown(c.values.at(0));
    case ValueTest::Op::not_equals: return "is not " + shown(c.values.at(0));
    case ValueTest::Op::in: return "is one of " + list();
    case ValueTest::Op::not_in: return "is none of " + list();
    case ValueTest::Op::matches: return "matches /" + c.regex.pattern() + "/";
    case ValueTest::Op::not_matches: return "does not match /" + c.regex.pattern() + "/";
    case ValueTest::Op::at_most: return "at most " + std::to_string(c.numbers.at(0));
    case ValueTest::Op::at_least: return "at least " + std::to_string(c.numbers.at(0));
    case ValueTest::Op::list_excludes: return "lists none of " + list();
    case ValueTest::Op::list_includes: return "lists all of " + list();
    case ValueTest::Op::fields_at_most: {
      std::vector<std::string> parts;
      for (auto n : c.numbers) parts.push_back(std::to_string(n));
      return "fields at most " + util::join(parts, ":");
    }
    case ValueTest::Op::is_set: return "is set";
  }
  return {};
}

}  // namespace

std::string ValueTest::describe() const {
  std::vector<std::string> parts;
  for (const auto& c : constraints) parts.push_back(describe_one(c));
  return util::join(parts, " and ");
}

std::string ValueTest::check(std::string_view raw) const {
  std::string_view value = util::trim(raw);
  for (const auto& c : constraints) {
    bool ok = false;
    switch (c.op) {
      case Op::equals: ok = same(value, c.values[0], case_sensitive); break;
      case Op::not_equals: ok = !same(value, c.values[0], case_sensitive); break;
      case Op::in:
        ok = std::any_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return same(value, v, case_sensitive); });
        break;
      case Op::not_in:
        ok = std::none_of(c.values.begin(), c.values.end(), [&](const std::string& v) { return same(value, v, case_sensitive); });
        break;
      case Op::matches: ok = c.regex.search(value); break;
      case Op::not_matches: ok = !c.regex.search(value); break;
      case Op::at_most:
      case Op::at_least: {
        auto n = util::parse_number_or_duration(value);
        ok = n && (c.op == Op::at_most ? *n <= c.numbers[0] : *n >= c.numbers[0]);
        break;
      }
      case Op::list_excludes:
      case Op::list_includes: {
        auto items = list_items(value);
        auto listed = [&](const std::string& pattern) {
          return std::any_of(items.begin(), items.end(), [&](std::string_view item) {
            std::string lower_item = util::to_lower(item);
            std::string lower_pat = util::to_lower(pattern);
            return util::glob_match(lower_pat, lower_item);
          });
        };
        ok = c.op == Op::list_excludes ? std::none_of(c.values.begin(), c.values.end(), listed)
                                       : std::all_of(c.values.begin(), c.values.end(), listed);
        break;
      }
      case Op::fields_at_most: {
        auto fields = util::split(value, ':');
        ok = !fields.empty() && fields.size() <= c.numbers.size();
        for (std::size_t i = 0; ok && i < fields.size(); ++i) {
          auto n = util::parse_int(fields[i]);
          ok = n && *n <= c.numbers[i];
        }
        break;
      }
      case Op::is_set: ok = !value.empty(); break;
    }
    if (!ok) return "expected a value that " + describe_one(c);
  }
  return {};
}

}  // namespace fleetaudit::detail
