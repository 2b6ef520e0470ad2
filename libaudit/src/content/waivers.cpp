// Waiver files and their application (fleetaudit/waivers.hpp).

#include "fleetaudit/waivers.hpp"

#include <algorithm>
#include <set>

#include "content/yaml_doc.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  int month = (d[5] - '0') * 10 + (d[6] - '0');
  int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

bool has_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

}  // namespace

Expected<WaiverSet> parse_waivers(std::string_view text, std::string_view display, const ContentSet* content) {
  std::vector<std::string> errors;
  auto at = [&](const yaml::Node& n) {
    return std::string(display) + ":" + std::to_string(n.mark().line + 1) + ":" + std::to_string(n.mark().column + 1) + ": ";
  };
  auto doc = yaml::parse(text);
  if (!doc) {
    return std::unexpected(Error{std::string(display) + ":" + std::to_string(doc.error().mark.line + 1) + ":" +
                                 std::to_string(doc.error().mark.column + 1) + ": invalid YAML: " + doc.error().message});
  }
  WaiverSet out;
  if (doc->IsNull()) return out;
  yaml::Node list = doc->IsMap() ? (*doc)["waivers"] : yaml::Node();
  if (!doc->IsMap() || !list.IsDefined()) return std::unexpected(Error{at(*doc) + "a waiver file is a mapping with 'waivers:', a list"});
  for (const auto& [k, v] : doc->pairs()) {
    if (!k.IsScalar() || k.Scalar() != "waivers") errors.push_back(at(k) + "unknown key '" + k.Scalar() + "' (only 'waivers')");
  }
  if (list.IsNull()) return out;
  if (!list.IsSequence()) return std::unexpected(Error{at(list) + "'waivers' must be a list"});
  static const std::set<std::string, std::less<>> kKeys{"check", "hosts", "subject", "reason", "owner", "expires"};
  for (const auto& item : list.items()) {
    if (!item.IsMap()) {
      errors.push_back(at(item) + "a waiver is a mapping (check, hosts, subject, reason, owner, expires)");
      continue;
    }
    Waiver w;
    w.where = {std::string(display), item.mark().line + 1, item.mark().column + 1};
    for (const auto& [k, v] : item.pairs()) {
      const std::string key = k.IsScalar() ? k.Scalar() : std::string();
      if (!kKeys.count(key)) {
        errors.push_back(at(k) + "unknown key '" + key + "' (check, hosts, subject, reason, owner, expires)");
        continue;
      }
      if (key == "hosts") {
        if (v.IsScalar()) {
          w.hosts.push_back(v.Scalar());
        } else if (v.IsSequence()) {
          for (const auto& h : v.items()) {
            if (h.IsScalar()) w.hosts.push_back(h.Scalar());
            else errors.push_back(at(h) + "'hosts' entries must be strings");
          }
        } else {
          errors.push_back(at(v) + "'hosts' must be a string or a list of strings");
        }
        continue;
      }
      if (!v.IsScalar()) {
        errors.push_back(at(v) + "'" + key + "' must be a string");
        continue;
      }
      std::string s(util::trim(v.Scalar()));
      if (key == "check") w.check = s;
      else if (key == "subject") w.subject = s;
      else if (key == "reason") w.reason = s;
      else if (key == "owner") w.owner = s;
      else if (key == "expires") w.expires = s;
    }
    for (auto [key, val] : {std::pair{"check", &w.check}, std::pair{"reason", &w.reason}, std::pair{"owner", &w.owner},
                            std::pair{"expires", &w.expires}}) {
      if (val->empty()) errors.push_back(at(item) + "waiver lacks '" + key + "'");
    }
    if (!w.expires.empty() && !valid_date(w.expires))
      errors.push_back(at(item["expires"]) + "'expires' must be a date YYYY-MM-DD, not '" + w.expires + "'");
    if (content && !w.check.empty() && !has_glob(w.check) && !content->find_check(w.check))
      errors.push_back(at(item["check"]) + "no check with id '" + w.check + "'");
    for (const auto& h : w.hosts) {
      if (h.empty() || h == "group:" || h == "tag:") errors.push_back(at(item["hosts"]) + "empty host selector");
    }
    out.waivers.push_back(std::move(w));
  }
  if (!errors.empty()) return std::unexpected(Error{util::join(errors, "\n")});
  return out;
}

namespace {

bool host_selected(const Waiver& w, const WaiverHost& who) {
  if (w.hosts.empty()) return true;
  for (const auto& sel : w.hosts) {
    if (sel.starts_with("group:")) {
      std::string_view g = std::string_view(sel).substr(6);
      if (std::any_of(who.groups.begin(), who.groups.end(), [&](const std::string& x) { return util::wildcard_match(g, x); }))
        return true;
    } else if (sel.starts_with("tag:")) {
      std::string_view t = std::string_view(sel).substr(4);
      if (std::any_of(who.tags.begin(), who.tags.end(), [&](const std::string& x) { return util::wildcard_match(t, x); }))
        return true;
    } else if (util::wildcard_match(sel, who.name)) {
      return true;
    }
  }
  return false;
}

}  // namespace

void apply_waivers(HostReport& host, const WaiverHost& who, const WaiverSet& set, std::string_view today, WaiverUse& use) {
  use.applied.resize(set.waivers.size(), 0);
  use.expired.resize(set.waivers.size(), false);
  bool changed = false;
  for (std::size_t i = 0; i < set.waivers.size(); ++i) {
    const Waiver& w = set.waivers[i];
    // Dates in ISO form compare as text. Valid through the expiry day.
    if (!today.empty() && std::string_view(w.expires) < today.substr(0, 10)) {
      use.expired[i] = true;
      continue;
    }
    if (!host_selected(w, who)) continue;
    for (auto& r : host.results) {
      if (r.result != ResultKind::fail) continue;
      if (!util::wildcard_match(w.check, r.check_id)) continue;
      if (!w.subject.empty() && !util::wildcard_match(w.subject, r.subject)) continue;
      r.result = ResultKind::waived;
      r.evidence += (r.evidence.empty() ? "" : "\n");
      r.evidence += "waived until " + w.expires + " (" + w.owner + "): " + w.reason + " [" + w.where.file + ":" +
                    std::to_string(w.where.line) + "]";
      ++use.applied[i];
      changed = true;
    }
  }
  if (changed) host.summary = summarize(host.results);
}

std::vector<std::string> waiver_notes(const WaiverSet& set, const WaiverUse& use) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < set.waivers.size(); ++i) {
    const Waiver& w = set.waivers[i];
    std::string where = w.where.file + ":" + std::to_string(w.where.line);
    std::string what = w.check + (w.hosts.empty() ? "" : " on " + util::join(w.hosts, ", ")) +
                       (w.subject.empty() ? "" : " for " + w.subject);
    if (i < use.expired.size() && use.expired[i]) out.push_back("expired waiver " + where + ": " + what + " expired " + w.expires + " (" + w.owner + ")");
    else if (i >= use.applied.size() || use.applied[i] == 0) out.push_back("unused waiver " + where + ": " + what + " waived no failure");
  }
  return out;
}

}  // namespace fleetaudit
