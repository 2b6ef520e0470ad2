#include "parse/accounts.hpp"

#include "util/strings.hpp"

namespace fleetaudit::parse {
namespace {
std::optional<long long> opt_int(std::string_view s) {
  if (util::trim(s).empty()) return std::nullopt;
  return util::parse_int(s);
}
bool skip(std::string_view line) {
  line = util::trim(line);
  // NIS compat lines ("+", "+@netgroup", "-user") are not local accounts.
  return line.empty() || line.front() == '#' || line.front() == '+' || line.front() == '-';
}
}  // namespace

bool ShadowEntry::has_usable_password() const {
  return !hash.empty() && hash.front() != '!' && hash.front() != '*';
}

PasswdFile parse_passwd(std::string_view text) {
  PasswdFile out;
  for (const auto& [line, number] : util::split_lines(text)) {
    if (skip(line)) continue;
    auto f = util::split(line, ':');
    if (f.size() != 7) {
      out.problems.push_back("line " + std::to_string(number) + ": expected 7 fields, found " +
                             std::to_string(f.size()));
      continue;
    }
    auto uid = util::parse_int(f[2]);
    auto gid = util::parse_int(f[3]);
    if (!uid || !gid) {
      out.problems.push_back("line " + std::to_string(number) + ": UID or GID is not a number");
      continue;
    }
    out.entries.push_back({std::string(f[0]), std::string(f[1]), *uid, *gid, std::string(f[4]),
                           std::string(f[5]), std::string(f[6]), number});
  }
  return out;
}

ShadowFile parse_shadow(std::string_view text) {
  ShadowFile out;
  for (const auto& [line, number] : util::split_lines(text)) {
    if (skip(line)) continue;
    auto f = util::split(line, ':');
    if (f.size() < 8) {
      out.problems.push_back("line " + std::to_string(number) + ": expected 9 fields, found " +
                             std::to_string(f.size()));
      continue;
    }
    ShadowEntry e;
    e.name = std::string(f[0]);
    e.hash = std::string(f[1]);
    e.last_change = opt_int(f[2]);
    e.min_days = opt_int(f[3]);
    e.max_days = opt_int(f[4]);
    e.warn_days = opt_int(f[5]);
    e.inactive_days = opt_int(f[6]);
    e.expire = opt_int(f[7]);
    e.line = number;
    out.entries.push_back(std::move(e));
  }
  return out;
}

GroupFile parse_group(std::string_view text) {
  GroupFile out;
  for (const auto& [line, number] : util::split_lines(text)) {
    if (skip(line)) continue;
    auto f = util::split(line, ':');
    if (f.size() != 4) {
      out.problems.push_back("line " + std::to_string(number) + ": expected 4 fields, found " +
                             std::to_string(f.size()));
      continue;
    }
    auto gid = util::parse_int(f[2]);
    if (!gid) {
      out.problems.push_back("line " + std::to_string(number) + ": GID is not a number");
      continue;
    }
    GroupEntry g{std::string(f[0]), std::string(f[1]), *gid, {}, number};
    for (auto m : util::split(f[3], ',')) {
      if (!util::trim(m).empty()) g.members.emplace_back(util::trim(m));
    }
    out.entries.push_back(std::move(g));
  }
  return out;
}

}  // namespace fleetaudit::parse
