// Snapshot x checks -> results. Pure: no I/O, no clock, no globals.

#include "fleetaudit/evaluate.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "content/rule.hpp"
#include "eval/facts.hpp"
#include "eval/subjects.hpp"
#include "parse/document.hpp"
#include "fleetaudit/version_compare.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

using detail::Missing;
using parse::FileText;

namespace {

constexpr std::size_t kMaxEvidenceItems = 5;

struct Outcome {
  ResultKind kind = ResultKind::pass;
  std::string evidence;  // lines joined by '\n', built in place

  static Outcome make(ResultKind k, std::string e) { return Outcome{k, std::move(e)}; }
  static Outcome pass(std::string e) { return make(ResultKind::pass, std::move(e)); }
  static Outcome fail(std::string e) { return make(ResultKind::fail, std::move(e)); }
  static Outcome error(std::string e) { return make(ResultKind::error, std::move(e)); }
  static Outcome na(std::string e) { return make(ResultKind::not_applicable, std::move(e)); }
  void note(std::string_view e) {
    if (e.empty()) return;
    if (evidence.empty()) {
      // Most evidence is a line or two: one allocation instead of a growth series.
      if (evidence.capacity() < 128) evidence.reserve(std::max<std::size_t>(128, e.size() + 32));
    } else {
      evidence += '\n';
    }
    evidence += e;
  }
};

Outcome missing_outcome(Missing policy, std::string why) {
  switch (policy) {
    case Missing::pass: return Outcome::pass(std::move(why));
    case Missing::error: return Outcome::error(std::move(why));
    case Missing::not_applicable: return Outcome::na(std::move(why));
    case Missing::fail: break;
  }
  return Outcome::fail(std::move(why));
}

std::string at(const std::string& file, int line) { return file + ":" + std::to_string(line); }

// Evidence for many items: the first few are written out, the rest counted,
// so a glob over thousands of files does not build thousands of strings.
struct EvidenceList {
  std::vector<std::string> items;
  std::size_t total = 0;
  template <class Make>
  void add(Make&& make) {
    if (total++ < kMaxEvidenceItems) items.push_back(make());
  }
  void into(Outcome& o) const {
    for (const auto& i : items) o.note(i);
    if (total > items.size()) o.note("... and " + std::to_string(total - items.size()) + " more");
  }
};

// Several failures: show the first few, count the rest.
void add_limited(Outcome& o, const std::vector<std::string>& items) {
  for (std::size_t i = 0; i < items.size() && i < kMaxEvidenceItems; ++i) o.note(items[i]);
  if (items.size() > kMaxEvidenceItems) o.note("... and " + std::to_string(items.size() - kMaxEvidenceItems) + " more");
}

// A version a rule asks for, against an installed one, in the host's own
// ordering. For rpm a wanted version without a release matches every
// release, as in an rpm dependency: "= 8.7p1" holds for 8.7p1-38.el9.
int compare_installed(parse::PackageFormat format, std::string_view installed, std::string_view wanted) {
  if (format == parse::PackageFormat::dpkg) return compare_debian_versions(installed, wanted);
  const auto digits = wanted.find_first_not_of("0123456789");
  const auto version_start = digits != std::string_view::npos && wanted[digits] == ':' ? digits + 1 : 0;
  if (wanted.find('-', version_start) == std::string_view::npos) {
    if (const auto hyphen = installed.rfind('-'); hyphen != std::string_view::npos) installed = installed.substr(0, hyphen);
  }
  return compare_rpm_versions(installed, wanted);
}

class Evaluator {
 public:
  explicit Evaluator(HostFacts::Cache& c, const Subject* subject = nullptr) : c_(c), subject_(subject) {}

  Outcome eval(const detail::Rule& r) {
    Outcome o = std::visit([this](const auto& node) { return (*this)(node); }, r.node);
    note_moved(r, o);
    return o;
  }

  // A path variable the host moved ("${docker.data-root}" in daemon.json):
  // the evidence says where the path came from.
  void note_moved(const detail::Rule& r, Outcome& o) {
    auto add = [&](const std::string& p) {
      for (const auto& line : c_.moved(p)) o.note(line);
    };
    if (const auto* f = std::get_if<detail::FileRule>(&r.node)) add(f->path);
    else if (const auto* c = std::get_if<detail::ContentRule>(&r.node)) { for (const auto& p : c->paths) add(p); }
    else if (const auto* k = std::get_if<detail::ConfigValueRule>(&r.node)) { for (const auto& p : k->paths) add(p); }
    else if (const auto* m = std::get_if<detail::MountRule>(&r.node)) add(m->path);
    else if (const auto* d = std::get_if<detail::DocRule>(&r.node)) add(d->file);
  }

  Outcome operator()(const detail::Combinator& comb) {
    using Mode = detail::Combinator::Mode;
    std::vector<Outcome> kids;
    kids.reserve(comb.children.size());
    int pass = 0, fail = 0, error = 0, na = 0;
    for (const auto& child : comb.children) {
      kids.push_back(eval(child));
      switch (kids.back().kind) {
        case ResultKind::pass: ++pass; break;
        case ResultKind::fail: ++fail; break;
        case ResultKind::error: ++error; break;
        default: ++na; break;
      }
    }
    ResultKind kind;
    if (comb.mode == Mode::all) {
      kind = fail ? ResultKind::fail : error ? ResultKind::error : (pass == 0 && na) ? ResultKind::not_applicable : ResultKind::pass;
    } else if (comb.mode == Mode::any) {
      kind = pass ? ResultKind::pass : error ? ResultKind::error : fail ? ResultKind::fail : ResultKind::not_applicable;
    } else {
      kind = pass ? ResultKind::fail : error ? ResultKind::error : ResultKind::pass;
    }
    Outcome o;
    o.kind = kind;
    std::size_t bytes = 0;
    for (const auto& k : kids) bytes += k.evidence.size() + 1;
    o.evidence.reserve(bytes);
    // Show what decided it: the failing parts of a failed 'all', the passing
    // part of a passed 'any', everything otherwise.
    for (auto& k : kids) {
      bool relevant = true;
      if (comb.mode == Mode::all && kind == ResultKind::fail) relevant = k.kind == ResultKind::fail;
      if (comb.mode == Mode::any && kind == ResultKind::pass) relevant = k.kind == ResultKind::pass;
      if (comb.mode == Mode::none && kind == ResultKind::fail) relevant = k.kind == ResultKind::pass;
      if (comb.mode == Mode::all && kind == ResultKind::error) relevant = k.kind == ResultKind::error;
      if (!relevant) continue;
      o.note(k.evidence);
    }
    return o;
  }

  Outcome operator()(const detail::FileRule& r) {
    const std::string& path = c_.expand(r.path);
    std::vector<std::string> targets;
    if (is_glob(path)) {
      const auto* m = c_.glob(path);
      if (!m) return Outcome::error(path + " was not collected");
      targets = *m;
      if (targets.empty()) {
        if (!r.exists) return Outcome::pass("no file matches " + path);
        return missing_outcome(r.missing, "no file matches " + path);
      }
    } else {
      targets.push_back(path);
    }
    Outcome o;
    EvidenceList bad, good;
    bool any_error = false, plain_fail = false;
    for (const auto& t : targets) {
      const FileFact* f = c_.file(t);
      if (!f) {
        any_error = true;
        bad.add([&] { return t + " was not collected"; });
        continue;
      }
      if (f->type == FileType::error) {
        any_error = true;
        bad.add([&] { return t + ": " + f->error; });
        continue;
      }
      if (!r.exists) {
        if (f->exists() || f->is_symlink) {
          plain_fail = true;
          bad.add([&] { return t + " exists"; });
        } else {
          good.add([&] { return t + " does not exist"; });
        }
        continue;
      }
      if (!f->exists() && !(r.type == "symlink" && f->is_symlink)) {
        switch (r.missing) {
          case Missing::pass:
          case Missing::not_applicable: good.add([&] { return t + " does not exist"; }); break;
          case Missing::error: any_error = true; bad.add([&] { return t + " does not exist"; }); break;
          case Missing::fail: plain_fail = true; bad.add([&] { return t + " does not exist"; }); break;
        }
        continue;
      }
      bool type_ok = !r.type || ((*r.type == "symlink") ? f->is_symlink
                                 : (*r.type == "file")  ? f->type == FileType::regular
                                 : (*r.type == "directory") ? f->type == FileType::directory
                                                            : f->type == FileType::other);
      bool owner_ok = r.owners.empty() || id_matches(r.owners, f->uid, true);
      bool group_ok = r.groups.empty() || id_matches(r.groups, f->gid, false);
      bool mode_ok = !(r.mode_max && (f->mode & ~*r.mode_max & 07777)) && !(r.mode_exact && (f->mode & 07777) != *r.mode_exact);
      if (type_ok && owner_ok && group_ok && mode_ok) {
        good.add([&] { return describe_file(*f); });
        continue;
      }
      plain_fail = true;
      bad.add([&] {
        std::vector<std::string> why;
        if (!type_ok) why.push_back("not a " + *r.type);
        if (!owner_ok) why.push_back("owner should be " + util::join(r.owners, " or "));
        if (!group_ok) why.push_back("group should be " + util::join(r.groups, " or "));
        if (r.mode_max && (f->mode & ~*r.mode_max & 07777)) why.push_back("mode should be at most " + util::format_mode(*r.mode_max));
        if (r.mode_exact && (f->mode & 07777) != *r.mode_exact) why.push_back("mode should be " + util::format_mode(*r.mode_exact));
        return describe_file(*f) + " (" + util::join(why, "; ") + ")";
      });
    }
    if (bad.total) {
      // An error only stands when nothing plainly failed.
      o.kind = any_error && !plain_fail ? ResultKind::error : ResultKind::fail;
      bad.into(o);
      return o;
    }
    o.kind = ResultKind::pass;
    good.into(o);
    return o;
  }

  // The files named by paths and globs, in order: globs contribute their
  // regular files only (a directory or socket matched by "dir/*" is no file to read).
  // Paths point into the snapshot, which outlives the evaluation.
  struct Expanded {
    std::vector<const std::string*> files;
    std::vector<std::string> errors;
  };
  Expanded expand(const std::vector<std::string>& patterns) {
    Expanded out;
    for (const auto& p : patterns) expand_one(c_.expand(p), out);
    return out;
  }
  std::string joined_paths(const std::vector<std::string>& patterns) {
    std::vector<std::string> out;
    for (const auto& p : patterns) out.push_back(c_.expand(p));
    return util::join(out, ", ");
  }
  // `pattern` must outlive the result (it is content, or snapshot data).
  void expand_one(const std::string& pattern, Expanded& out) {
    if (!is_glob(pattern)) {
      out.files.push_back(&pattern);
      return;
    }
    const auto* matches = c_.glob(pattern);
    if (!matches) {
      out.errors.push_back(pattern + " was not collected");
      return;
    }
    for (const auto& m : *matches) {
      const FileFact* f = c_.file(m);
      if (f && f->type != FileType::regular && f->type != FileType::error) continue;
      out.files.push_back(&m);
    }
  }

  Outcome operator()(const detail::ContentRule& r) {
    Expanded ex = expand(r.paths);
    std::vector<std::string>& errors = ex.errors;
    std::vector<std::pair<const std::string*, std::string_view>> texts;
    texts.reserve(ex.files.size());
    for (const std::string* f : ex.files) {
      FileText ft = c_.source.text(*f);
      if (ft.status == FileText::Status::ok) texts.emplace_back(f, ft.text);
      else if (ft.status == FileText::Status::unreadable) errors.push_back(*f + " could not be read: " + ft.reason);
      else if (ft.status == FileText::Status::not_collected) errors.push_back(*f + " was not collected");
    }
    if (!errors.empty()) {
      Outcome o = Outcome::error("");
      add_limited(o, errors);
      return o;
    }
    if (texts.empty()) return missing_outcome(r.missing, joined_paths(r.paths) + ": no such file");
    using Op = detail::ContentRule::Op;
    std::vector<std::string> hits;
    for (const auto& [file_ptr, text] : texts) {
      const std::string& file = *file_ptr;
      // A file the pattern cannot match anywhere has no matching line: a
      // missing required literal tells it fastest, one whole-file search next.
      if (r.op != Op::every_line) {
        const std::string& lit = r.regex.required_literal();
        if (!lit.empty() && text.find(lit) == std::string_view::npos) continue;
        if (r.whole_file.valid() && !r.whole_file.search(text)) continue;
      }
      // A long line is shown around what matched, so the evidence holds it.
      auto shown = [&](std::string_view t) {
        if (t.size() <= 160) return util::clip(t);
        auto at = r.regex.find(t);
        return at ? util::clip_around(t, *at) : util::clip(t);
      };
      for (const auto& line : c_.lines(file, text, r.comment)) {
        std::string_view t = util::trim(line.text);
        bool m = r.regex.search(line.text);
        if (r.op == Op::present && m) return Outcome::pass(util::concat({file, ":", std::to_string(line.number), ": ", shown(t)}));
        if (r.op == Op::absent && m) hits.push_back(util::concat({file, ":", std::to_string(line.number), ": ", shown(t)}));
        if (r.op == Op::every_line && !m) {
          return Outcome::fail(at(file, line.number) + ": " + util::clip(t) + " (does not match /" + r.regex.pattern() + "/)");
        }
      }
    }
    std::string where = ex.files.size() == 1 ? *ex.files[0] : joined_paths(r.paths);
    if (r.op == Op::present) return Outcome::fail(util::concat({"no line matching /", r.regex.pattern(), "/ in ", where}));
    if (r.op == Op::every_line) return Outcome::pass(util::concat({"every line of ", where, " matches /", r.regex.pattern(), "/"}));
    if (hits.empty()) return Outcome::pass(util::concat({"no line matching /", r.regex.pattern(), "/ in ", where}));
    Outcome o;
    o.kind = ResultKind::fail;
    add_limited(o, hits);
    return o;
  }

  Outcome operator()(const detail::SshdRule& r) {
    const auto& cfg = c_.sshd();
    if (cfg.incomplete) return Outcome::error("sshd configuration incomplete: " + util::join(cfg.problems, "; "));
    if (!cfg.found) return Outcome::error(std::string(detail::paths::kSshdConfig) + " does not exist");
    static const std::set<std::string, std::less<>> kLists{"ciphers", "macs", "kexalgorithms", "hostkeyalgorithms",
                                                           "pubkeyacceptedalgorithms", "casignaturealgorithms"};
    static const std::set<std::string, std::less<>> kCumulative{"allowusers", "allowgroups", "denyusers", "denygroups",
                                                                "acceptenv"};
    std::string value;
    std::string where;
    auto it = cfg.values.find(r.key_lower);
    if (it != cfg.values.end() && !it->second.empty()) {
      const auto& first = it->second.front();
      where = at(first.file, first.line) + ": " + r.key + " " + first.value;
      if (kCumulative.count(r.key_lower)) {
        std::vector<std::string> all;
        for (const auto& v : it->second) all.push_back(v.value);
        value = util::join(all, " ");
      } else {
        value = first.value;
      }
      if (kLists.count(r.key_lower)) value = parse::sshd_effective_list(r.key_lower, value);
    } else {
      auto def = parse::sshd_default(r.key_lower);
      value = def ? std::string(*def) : std::string();
      where = r.key + " not set" + (def ? " (default: " + (def->empty() ? std::string("none") : util::clip(*def, 80)) + ")" : "");
    }
    std::string why = r.test.check(value);
    Outcome o = why.empty() ? Outcome::pass(where) : Outcome::fail(where + " (" + why + ")");
    if (auto m = cfg.match_values.find(r.key_lower); m != cfg.match_values.end() && !m->second.empty())
      o.note("also set inside a Match block at " + at(m->second.front().file, m->second.front().line) + ": " + m->second.front().value);
    return o;
  }

  Outcome value_outcome(const detail::ValueTest& test, const std::optional<parse::KeyValue>& kv, const std::string& file,
                        const std::string& key, const std::optional<std::string>& def, std::string_view sep = " ") {
    if (kv) {
      std::string where = at(file.empty() ? "?" : file, kv->line) + ": " + kv->key + std::string(sep) + kv->value;
      std::string why = test.check(kv->value);
      return why.empty() ? Outcome::pass(where) : Outcome::fail(where + " (" + why + ")");
    }
    if (def) {
      std::string why = test.check(*def);
      std::string where = key + " not set (default " + *def + ")";
      return why.empty() ? Outcome::pass(where) : Outcome::fail(where + " (" + why + ")");
    }
    return Outcome::fail(key + " is not set (" + test.describe() + " required)");
  }

  Outcome operator()(const detail::LoginDefsRule& r) {
    const auto& p = c_.login_defs();
    if (!p.available && p.problem.find("does not exist") == std::string::npos) return Outcome::error(p.problem);
    std::optional<parse::KeyValue> last;
    for (const auto& kv : p.value) {
      if (kv.key == r.key) last = kv;  // login.defs: a later line overrides an earlier one
    }
    Outcome o = value_outcome(r.test, last, p.file, r.key, r.default_value);
    if (!p.available) o.note(p.problem);
    return o;
  }

  Outcome operator()(const detail::ConfigValueRule& r) {
    Expanded ex = expand(r.paths);
    std::vector<std::string>& errors = ex.errors;
    std::optional<parse::KeyValue> chosen;
    std::string chosen_file;
    for (const std::string* fp : ex.files) {
      const std::string& f = *fp;
      const auto& kvs = c_.key_values(f, r.separator);
      if (!kvs.available) {
        if (kvs.problem.find("does not exist") == std::string::npos) errors.push_back(kvs.problem);
        continue;
      }
      for (const auto& kv : kvs.value) {
        if (!util::iequals(kv.key, r.key)) continue;
        if (r.section && !util::iequals(kv.section, *r.section)) continue;
        if (r.first_wins && chosen) continue;
        chosen = kv;
        chosen_file = f;
      }
    }
    if (!errors.empty()) return Outcome::error(util::join(errors, "; "));
    Outcome o = value_outcome(r.test, chosen, chosen_file, r.key, r.default_value,
                              r.separator == parse::KvSeparator::equals ? " = " : " ");
    if (!chosen && !r.default_value) o.evidence += " in " + joined_paths(r.paths);
    return o;
  }

  Outcome operator()(const detail::SysctlRule& r) {
    using Scope = detail::SysctlRule::Scope;
    Outcome o;
    o.kind = ResultKind::pass;
    bool checked = false;
    if (r.scope != Scope::persistent) {
      const FileFact* procsys = c_.file(detail::paths::kProcSys);
      if (!procsys || !procsys->exists()) {
        if (r.scope == Scope::runtime) return Outcome::error("runtime kernel parameters are not available (no /proc/sys)");
        o.note("runtime value not available (no /proc/sys)");
      } else {
        checked = true;
        const std::string& path = r.proc_path;
        FileText ft = c_.source.text(path);
        if (ft.status == FileText::Status::ok) {
          std::string value = normalize_ws(ft.text);
          std::string why = r.test.check(value);
          if (!why.empty()) {
            o.kind = ResultKind::fail;
            o.note(util::concat({"running: ", r.key, " = ", value, " (", why, ")"}));
          } else {
            o.note(util::concat({"running: ", r.key, " = ", value}));
          }
        } else if (ft.status == FileText::Status::missing) {
          o.kind = ResultKind::fail;
          o.note("running: " + r.key + " does not exist on this kernel");
        } else {
          return Outcome::error(path + " could not be read" + (ft.reason.empty() ? "" : ": " + ft.reason));
        }
      }
    }
    if (r.scope != Scope::runtime) {
      const auto& p = c_.sysctl();
      if (!p.available) return Outcome::error(p.problem);
      checked = true;
      auto it = p.value.find(r.key);
      if (it == p.value.end()) {
        // A glob key ("net.ipv4.conf.*.rp_filter") sets every key it matches,
        // matched in path form so '*' stays within one level; an explicit
        // assignment of the key itself wins over any glob.
        for (auto g = p.value.begin(); g != p.value.end(); ++g) {
          if (is_glob(g->first) && util::glob_match(parse::sysctl_proc_path(g->first), r.proc_path) &&
              (it == p.value.end() || g->second.order > it->second.order))
            it = g;
        }
      }
      if (it == p.value.end()) {
        o.kind = ResultKind::fail;
        o.note(util::concat({"persistent: ", r.key, " is not set in any sysctl configuration file"}));
      } else {
        std::string why = r.test.check(it->second.value);
        std::string where = util::concat({it->second.file, ":", std::to_string(it->second.line), ": ", it->first, " = ", it->second.value});
        if (!why.empty()) {
          o.kind = ResultKind::fail;
          o.note(where + " (" + why + ")");
        } else {
          o.note(where);
        }
      }
    }
    if (!checked) o.kind = ResultKind::error;
    return o;
  }

  Outcome operator()(const detail::ModprobeRule& r) {
    Outcome o;
    o.kind = ResultKind::pass;
    if (r.not_loadable || r.blacklisted) {
      const auto& p = c_.modprobe();
      if (!p.available) return Outcome::error(p.problem);
      if (r.not_loadable) {
        auto it = p.value.install.find(r.module);
        if (it != p.value.install.end() && parse::install_disables(it->second.command)) {
          o.note(at(it->second.file, it->second.line) + ": install " + r.module + " " + it->second.command);
        } else {
          o.kind = ResultKind::fail;
          o.note(it == p.value.install.end() ? "no 'install " + r.module + " /bin/false' line in modprobe.d"
                                             : at(it->second.file, it->second.line) + ": install " + r.module + " " +
                                                   it->second.command + " (still loads)");
        }
      }
      if (r.blacklisted) {
        auto it = p.value.blacklist.find(r.module);
        if (it != p.value.blacklist.end()) {
          o.note(at(it->second.file, it->second.line) + ": blacklist " + r.module);
        } else {
          o.kind = ResultKind::fail;
          o.note("no 'blacklist " + r.module + "' line in modprobe.d");
        }
      }
    }
    if (r.not_loaded) {
      const auto& m = c_.loaded_modules();
      if (m.available) {
        if (m.value.count(r.module)) {
          o.kind = ResultKind::fail;
          o.note(r.module + " is loaded now (/proc/modules)");
        } else {
          o.note(r.module + " is not loaded");
        }
      } else if (m.problem.find("does not exist") != std::string::npos) {
        o.note("loaded modules not available (no /proc/modules)");
      } else {
        return Outcome::error(m.problem);
      }
    }
    return o;
  }

  Outcome operator()(const detail::MountRule& r) {
    const auto& rt = c_.runtime_mounts();
    const auto& fs = c_.fstab();
    bool rt_missing = !rt.available && rt.problem.find("does not exist") != std::string::npos;
    bool fs_missing = !fs.available && fs.problem.find("does not exist") != std::string::npos;
    if (!rt.available && !rt_missing) return Outcome::error(rt.problem);
    if (!fs.available && !fs_missing) return Outcome::error(fs.problem);
    const std::string& path = c_.expand(r.path);
    const parse::MountEntry* live = rt.available ? parse::find_mount(rt.value, path) : nullptr;
    const parse::MountEntry* boot = fs.available ? parse::find_mount(fs.value, path) : nullptr;
    Outcome o;
    o.kind = ResultKind::pass;
    auto describe_entry = [](const std::string& file, const parse::MountEntry& e) {
      return at(file, e.line) + ": " + e.source + " on " + e.target + " type " + e.fstype + " (" + [&] {
        std::vector<std::string> opts(e.options.begin(), e.options.end());
        return util::join(opts, ",");
      }() + ")";
    };
    bool separate = live || (rt_missing && boot);
    if (r.separate) {
      if (!separate) {
        return Outcome::fail(path + " is not a separate file system" +
                             std::string(rt_missing ? " (no entry in /etc/fstab)" : " (not in /proc/mounts)"));
      }
    } else if (!live && !boot) {
      return Outcome::na(path + " is not a separate file system");
    }
    for (auto [file, e] : {std::pair{std::string(detail::paths::kProcMounts), live},
                           std::pair{std::string(detail::paths::kFstab), boot}}) {
      if (!e) continue;
      std::vector<std::string> missing, present;
      for (const auto& opt : r.options) {
        if (!e->has_option(opt)) missing.push_back(opt);
      }
      for (const auto& opt : r.options_absent) {
        if (e->has_option(opt)) present.push_back(opt);
      }
      std::string d = describe_entry(file, *e);
      if (!missing.empty()) d += " lacks " + util::join(missing, ",");
      if (!present.empty()) d += (missing.empty() ? " has " : ", has ") + util::join(present, ",");
      if (!missing.empty() || !present.empty()) o.kind = ResultKind::fail;
      o.note(d);
    }
    return o;
  }

  Outcome operator()(const detail::PamRule& r) {
    Expanded ex;
    expand_one(r.path, ex);
    if (!ex.errors.empty()) return Outcome::error(ex.errors.front());
    if (ex.files.empty()) return Outcome::fail("no file matches " + r.path);
    Outcome o;
    o.kind = ResultKind::pass;
    std::string what = (r.type.empty() ? std::string() : r.type + " ") + r.module;
    for (const std::string* fp : ex.files) {
      const std::string& f = *fp;
      const auto& stack = c_.pam(f);
      if (stack.incomplete) return Outcome::error(f + ": " + util::join(stack.problems, "; "));
      std::vector<const parse::PamLine*> hits;
      for (const auto& l : stack.lines) {
        if ((r.type.empty() || l.type == r.type) && l.module_name() == r.module) hits.push_back(&l);
      }
      if (!r.present) {
        for (const auto* l : hits) {
          o.kind = ResultKind::fail;
          o.note(at(l->file, l->line) + ": " + l->type + " " + l->control + " " + l->module);
        }
        if (hits.empty()) o.note("no " + what + " line in " + f);
        continue;
      }
      if (hits.empty()) {
        o.kind = ResultKind::fail;
        std::string why = stack.problems.empty() ? "" : " (" + util::join(stack.problems, "; ") + ")";
        o.note("no " + what + " line in " + f + why);
        continue;
      }
      for (const auto* l : hits) {
        std::vector<std::string> why;
        for (const auto& a : r.args_include) {
          if (!l->find_arg(a)) why.push_back("lacks " + a);
        }
        for (const auto& a : r.args_exclude) {
          if (const auto* found = l->find_arg(a)) why.push_back("has " + *found);
        }
        if (!r.arg.empty()) {
          if (!l->find_arg(r.arg)) {
            why.push_back("no " + r.arg + "= argument");
          } else {
            std::string w = r.arg_test.check(l->arg_value(r.arg));
            if (!w.empty()) why.push_back(r.arg + ": " + w);
          }
        }
        std::string seen = at(l->file, l->line) + ": " + l->type + " " + l->control + " " + l->module;
        for (const auto& a : l->args) seen += " " + a;
        if (!why.empty()) {
          o.kind = ResultKind::fail;
          o.note(util::clip(seen, 140) + " (" + util::join(why, "; ") + ")");
        } else {
          o.note(util::clip(seen, 140));
        }
      }
    }
    return o;
  }

  Outcome operator()(const detail::OsReleaseRule& r) {
    const auto& p = c_.os_release();
    if (!p.available) return Outcome::error(p.problem);
    auto it = p.value.find(r.key);
    if (it == p.value.end()) return Outcome::fail(r.key + " is not set in " + p.file);
    std::string why = r.test.check(it->second);
    std::string where = p.file + ": " + r.key + "=" + it->second;
    return why.empty() ? Outcome::pass(where) : Outcome::fail(where + " (" + why + ")");
  }

  Outcome operator()(const detail::PackageRule& r) {
    const auto& p = c_.packages();
    if (!p.available) return Outcome::error("package database: " + p.problem);
    const parse::PackageDatabase& db = p.value;
    std::vector<std::string> present;
    Outcome o;
    for (const auto& name : r.names) {
      const auto* pkg = db.find(name);
      if (!pkg || !pkg->present) continue;
      // dpkg records are lines of a text file, rpm records rows of a table.
      const std::string where = db.format == parse::PackageFormat::dpkg ? ":" : " record ";
      std::string seen = util::concat({p.file, where, std::to_string(pkg->line), ": ", pkg->name, " ", pkg->version, " installed"});
      if (!r.installed) {
        present.push_back(seen);
        continue;
      }
      if (r.version_op.empty()) return Outcome::pass(seen);
      int c = compare_installed(db.format, pkg->version, r.version);
      bool ok = r.version_op == "<"    ? c < 0
                : r.version_op == "<=" ? c <= 0
                : r.version_op == "="  ? c == 0
                : r.version_op == "!=" ? c != 0
                : r.version_op == ">=" ? c >= 0
                                       : c > 0;
      if (ok) return Outcome::pass(seen + " (" + r.version_op + " " + r.version + ")");
      present.push_back(seen + " (needs " + r.version_op + " " + r.version + ")");
    }
    if (!present.empty()) {
      o.kind = ResultKind::fail;
      add_limited(o, present);
      return o;
    }
    // Nothing installed: a sure answer only when every record could be read.
    if (!db.complete) return Outcome::error("package database incomplete, " + util::join(r.names, " or ") + " may be installed: " + util::join(db.problems, "; "));
    if (!r.installed) return Outcome::pass(util::join(r.names, ", ") + " not installed");
    return Outcome::fail(util::join(r.names, " or ") + " not installed");
  }

  Outcome operator()(const detail::ServiceRule& r) {
    Outcome o;
    o.kind = ResultKind::pass;
    for (std::size_t u = 0; u < r.units.size(); ++u) {
      const std::string& unit = r.units[u];
      const auto& us = c_.unit_state(unit);
      if (us.state.empty()) return Outcome::error("unit files for " + unit + " were not collected");
      const std::string& state = us.state;
      const std::string& where = us.where;
      bool ok = std::find(r.allowed.begin(), r.allowed.end(), state) != r.allowed.end();
      std::string seen = where.empty() ? util::concat({unit, " is ", state}) : util::concat({unit, " is ", state, " (", where, ")"});
      if (!ok) {
        o.kind = ResultKind::fail;
        seen += " (should be " + util::join(r.allowed, " or ") + ")";
      }
      o.note(seen);
    }
    return o;
  }

  Outcome operator()(const detail::AccountsRule& r) {
    const std::string& prop = r.property;
    auto exempt = [&](const std::string& name) { return std::find(r.exempt.begin(), r.exempt.end(), name) != r.exempt.end(); };
    const bool needs_shadow = prop == "no_empty_passwords" || prop == "root_password_set" || prop == "shadow_field" ||
                              prop == "no_future_password_change" || prop == "named_accounts_locked";
    const bool needs_group = prop == "gid0_only_root_group" || prop == "unique_gids" || prop == "unique_group_names" ||
                             prop == "primary_groups_exist" || prop == "shadow_group_empty" || prop == "group_members";
    const bool needs_passwd = !(prop == "no_empty_passwords" || prop == "shadow_field" || prop == "no_future_password_change" ||
                                prop == "root_password_set" || prop == "gid0_only_root_group" || prop == "unique_gids" ||
                                prop == "unique_group_names");
    const auto& pw = c_.passwd();
    const auto& sh = c_.shadow();
    const auto& gr = c_.group();
    if (needs_passwd && !pw.available) return Outcome::error(pw.problem);
    if (needs_shadow && !sh.available) return Outcome::error(sh.problem);
    if (needs_group && !gr.available) return Outcome::error(gr.problem);

    std::vector<std::string> bad;
    std::string ok_note;
    auto pw_at = [&](const parse::PasswdEntry& e) { return at(detail::paths::kPasswd, e.line) + ": " + e.name; };
    auto sh_at = [&](const parse::ShadowEntry& e) { return at(detail::paths::kShadow, e.line) + ": " + e.name; };
    auto gr_at = [&](const parse::GroupEntry& e) { return at(detail::paths::kGroup, e.line) + ": " + e.name; };

    if (prop == "group_members") return group_members(r, pw, gr);
    if (prop == "uid0_only_root") {
      for (const auto& e : pw.value.entries)
        if (e.uid == 0 && e.name != "root" && !exempt(e.name)) bad.push_back(pw_at(e) + " has UID 0");
      ok_note = "only root has UID 0";
    } else if (prop == "gid0_only_root_user") {
      static const std::set<std::string> allowed{"root", "sync", "shutdown", "halt", "operator"};
      for (const auto& e : pw.value.entries)
        if (e.gid == 0 && !allowed.count(e.name) && !exempt(e.name)) bad.push_back(pw_at(e) + " has primary GID 0");
      ok_note = "no user but root has primary GID 0";
    } else if (prop == "gid0_only_root_group") {
      for (const auto& e : gr.value.entries)
        if (e.gid == 0 && e.name != "root" && !exempt(e.name)) bad.push_back(gr_at(e) + " has GID 0");
      ok_note = "only group root has GID 0";
    } else if (prop == "passwords_shadowed") {
      for (const auto& e : pw.value.entries)
        if (e.password != "x" && !exempt(e.name)) bad.push_back(pw_at(e) + " keeps its password in /etc/passwd");
      ok_note = "every account's password is in /etc/shadow";
    } else if (prop == "no_empty_passwords") {
      for (const auto& e : sh.value.entries)
        if (e.hash.empty() && !exempt(e.name)) bad.push_back(sh_at(e) + " has an empty password");
      ok_note = "no account has an empty password";
    } else if (prop == "unique_uids" || prop == "unique_user_names") {
      bool by_id = prop == "unique_uids";
      bad = duplicates(pw.value.entries, by_id, by_id ? "UID " : "user name ");
      ok_note = by_id ? "UIDs are unique" : "user names are unique";
    } else if (prop == "unique_gids" || prop == "unique_group_names") {
      bool by_id = prop == "unique_gids";
      bad = duplicates(gr.value.entries, by_id, by_id ? "GID " : "group name ");
      ok_note = by_id ? "GIDs are unique" : "group names are unique";
    } else if (prop == "primary_groups_exist") {
      std::set<long long> gids;
      for (const auto& g : gr.value.entries) gids.insert(g.gid);
      for (const auto& e : pw.value.entries)
        if (!gids.count(e.gid) && !exempt(e.name)) bad.push_back(pw_at(e) + " has primary GID " + std::to_string(e.gid) + ", not in /etc/group");
      ok_note = "every primary group exists";
    } else if (prop == "shadow_group_empty") {
      for (const auto& g : gr.value.entries) {
        if (g.name != "shadow") continue;
        if (!g.members.empty()) bad.push_back(gr_at(g) + " has members " + util::join(g.members, ","));
        for (const auto& e : pw.value.entries)
          if (e.gid == g.gid) bad.push_back(pw_at(e) + " has shadow as primary group");
      }
      ok_note = "the shadow group has no members";
    } else if (prop == "named_accounts_locked") {
      // Well-known default accounts (pi, ubuntu, admin ...): present is fine, a usable password is not.
      int seen = 0;
      for (const auto& e : sh.value.entries) {
        if (std::find(r.names.begin(), r.names.end(), e.name) == r.names.end() || exempt(e.name)) continue;
        ++seen;
        if (e.hash.empty()) bad.push_back(sh_at(e) + " has no password at all");
        else if (e.has_usable_password()) bad.push_back(sh_at(e) + " has a usable password");
      }
      ok_note = seen ? std::to_string(seen) + " default account(s) present, all locked" : "none of " + util::join(r.names, ", ") + " exists";
    } else if (prop == "root_password_set") {
      bool found = false;
      for (const auto& e : sh.value.entries) {
        if (e.name != "root") continue;
        found = true;
        if (e.hash.empty()) bad.push_back(sh_at(e) + " has no password at all");
        else ok_note = sh_at(e) + (e.has_usable_password() ? " has a password" : " is locked");
      }
      if (!found) bad.push_back("root has no entry in /etc/shadow");
    } else if (prop == "shadow_field") {
      int counted = 0;
      for (const auto& e : sh.value.entries) {
        if (!e.has_usable_password() || exempt(e.name)) continue;
        ++counted;
        const std::optional<long long>& v = r.field == "min_days" ? e.min_days
                                           : r.field == "max_days" ? e.max_days
                                           : r.field == "warn_days" ? e.warn_days
                                                                    : e.inactive_days;
        if (!v) {
          bad.push_back(sh_at(e) + ": " + r.field + " not set");
          continue;
        }
        std::string why = r.test.check(std::to_string(*v));
        if (!why.empty()) bad.push_back(sh_at(e) + ": " + r.field + " " + std::to_string(*v) + " (" + why + ")");
      }
      ok_note = std::to_string(counted) + " account(s) with a password: " + r.field + " " + r.test.describe();
    } else if (prop == "no_future_password_change") {
      auto today = c_.today();
      if (!today) return Outcome::error("collection time unknown: cannot tell future dates");
      for (const auto& e : sh.value.entries)
        if (e.last_change && *e.last_change > *today && !exempt(e.name))
          bad.push_back(sh_at(e) + " last changed its password in the future (day " + std::to_string(*e.last_change) + ")");
      ok_note = "no password change date lies in the future";
    } else if (prop == "system_accounts_no_login") {
      long long uid_min = 1000;
      const auto& ld = c_.login_defs();
      for (const auto& kv : ld.value)
        if (kv.key == "UID_MIN") uid_min = util::parse_int(kv.value).value_or(uid_min);
      static const std::set<std::string> allowed{"root", "sync", "shutdown", "halt", "nfsnobody"};
      static const std::set<std::string> nologin{"/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false"};
      for (const auto& e : pw.value.entries) {
        if ((e.uid >= uid_min && e.uid != 65534) || allowed.count(e.name) || exempt(e.name)) continue;
        if (!nologin.count(e.shell)) bad.push_back(pw_at(e) + " (UID " + std::to_string(e.uid) + ") has login shell " + e.shell);
      }
      ok_note = "system accounts (UID < " + std::to_string(uid_min) + ") have no login shell";
    }
    if (!bad.empty()) {
      Outcome o;
      o.kind = ResultKind::fail;
      add_limited(o, bad);
      return o;
    }
    return Outcome::pass(ok_note);
  }

  // Who belongs to a group (its member list, and accounts whose primary
  // group it is), against a site policy list of accepted names.
  Outcome group_members(const detail::AccountsRule& r, const Parsed<parse::PasswdFile>& pw, const Parsed<parse::GroupFile>& gr) {
    const parse::GroupEntry* g = nullptr;
    for (const auto& e : gr.value.entries)
      if (e.name == r.group) g = &e;
    if (!g) return Outcome::pass("there is no group " + r.group + " in " + detail::paths::kGroup);
    std::vector<std::pair<std::string, std::string>> members;  // name, where
    for (const auto& m : g->members)
      if (!m.empty()) members.emplace_back(m, at(detail::paths::kGroup, g->line) + ": " + r.group + " lists " + m);
    for (const auto& e : pw.value.entries)
      if (e.gid == g->gid) members.emplace_back(e.name, at(detail::paths::kPasswd, e.line) + ": " + e.name + " has primary group " + r.group);
    const Policy* pol = c_.policy;
    auto it = pol ? pol->lists.find(r.allowed) : decltype(pol->lists.end()){};
    if (!pol || it == pol->lists.end()) {
      Outcome o = Outcome::make(ResultKind::manual, "policy list '" + r.allowed + "' is not set (scan --policy FILE); members of " +
                                                        r.group + ": " + (members.empty() ? std::string("none") : ""));
      EvidenceList ev;
      for (const auto& m : members) ev.add([&] { return m.second; });
      ev.into(o);
      return o;
    }
    EvidenceList good, bad;
    for (const auto& m : members) {
      bool ok = std::any_of(it->second.begin(), it->second.end(), [&](const std::string& pat) { return util::wildcard_match(pat, m.first); });
      if (ok) good.add([&] { return m.second; });
      else bad.add([&] { return m.second + " (not in policy list '" + r.allowed + "')"; });
    }
    Outcome o;
    o.kind = bad.total ? ResultKind::fail : ResultKind::pass;
    if (bad.total) bad.into(o);
    else if (good.total) good.into(o);
    else o.note("group " + r.group + " has no members");
    return o;
  }

 private:
  // Entries sharing an id (or a name), one line per shared key; strings are
  // built only for the duplicates.
  template <class Entry>
  static std::vector<std::string> duplicates(const std::vector<Entry>& entries, bool by_id, const char* what) {
    auto id_of = [](const Entry& e) {
      if constexpr (requires { e.uid; }) return e.uid;
      else return e.gid;
    };
    std::vector<const Entry*> order;
    order.reserve(entries.size());
    for (const auto& e : entries) order.push_back(&e);
    auto less = [&](const Entry* a, const Entry* b) {
      if (by_id) return id_of(*a) != id_of(*b) ? id_of(*a) < id_of(*b) : a->line < b->line;
      return a->name != b->name ? a->name < b->name : a->line < b->line;
    };
    auto same = [&](const Entry* a, const Entry* b) { return by_id ? id_of(*a) == id_of(*b) : a->name == b->name; };
    std::stable_sort(order.begin(), order.end(), less);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i + 1;
      while (j < order.size() && same(order[i], order[j])) ++j;
      if (j - i > 1) {
        std::vector<std::string> names;
        for (std::size_t k = i; k < j; ++k) names.push_back(order[k]->name + " (line " + std::to_string(order[k]->line) + ")");
        out.push_back(what + (by_id ? std::to_string(id_of(*order[i])) : order[i]->name) + " used by " + util::join(names, ", "));
      }
      i = j;
    }
    return out;
  }

  std::string describe_file(const FileFact& f) {
    const char* type = f.type == FileType::directory ? "directory" : f.type == FileType::regular ? "file" : "special";
    return util::concat({f.path, f.is_symlink ? " -> " : "", f.is_symlink ? std::string_view(f.link_target) : "", ": ", type, " ",
                         c_.user_name(f.uid), ":", c_.group_name(f.gid), " ", util::format_mode(f.mode)});
  }

  bool id_matches(const std::vector<std::string>& allowed, std::uint32_t id, bool user) {
    for (const auto& a : allowed) {
      if (auto n = util::parse_int(a)) {
        if (*n == id) return true;
        continue;
      }
      auto resolved = user ? c_.uid_of(a) : c_.gid_of(a);
      if (resolved && *resolved == id) return true;
    }
    return false;
  }

  static std::string normalize_ws(std::string_view s) {
    s = util::trim(s);
    if (s.find_first_of(" \t\n") == std::string_view::npos) return std::string(s);
    std::string out;
    for (auto w : util::split_ws(util::trim(s))) {
      if (!out.empty()) out += ' ';
      out.append(w);
    }
    return out;
  }

  Outcome operator()(const detail::DocRule& r) {
    using Each = detail::DocRule::Each;
    const nlohmann::json* doc = nullptr;
    std::string prefix;  // evidence names the file; a subject's results already name the subject
    if (r.file.empty()) {
      if (!subject_) return Outcome::error("this rule reads a subject's document, and the check has no subject");
      doc = &subject_->doc;
    } else {
      const std::string& file = c_.expand(r.file);
      const auto& d = c_.document(file, r.format);
      if (!d.available) {
        if (c_.source.text(file).status == parse::FileText::Status::missing)
          return missing_outcome(r.missing, file + " does not exist");
        return Outcome::error(d.problem);
      }
      doc = &d.value;
      prefix = file + ": ";
    }
    std::vector<parse::DocMatch> matches;
    for (const auto& p : r.paths) {
      matches = parse::resolve(*doc, p);
      if (!matches.empty()) break;
    }
    auto path_text = [&] {
      std::vector<std::string> ps;
      for (const auto& p : r.paths) ps.push_back(parse::to_string(p));
      return util::join(ps, " or ");
    };
    if (matches.empty()) {
      if (r.default_value) {
        std::string why = r.test.check(*r.default_value);
        std::string text = prefix + path_text() + " is not set (default " + *r.default_value + ")";
        return why.empty() ? Outcome::pass(text) : Outcome::fail(text + " (" + why + ")");
      }
      return missing_outcome(r.missing, prefix + path_text() + " is not set");
    }
    auto shown = [&](const parse::DocMatch& m) {
      std::string t = parse::doc_text(*m.value);
      if (t.size() > 200) t = t.substr(0, 200) + "...";
      return prefix + m.where + " = " + t;
    };
    if (r.absent) {
      Outcome o = Outcome::fail("");
      o.evidence.clear();
      EvidenceList ev;
      for (const auto& m : matches) ev.add([&] { return shown(m) + " (expected it to be absent)"; });
      ev.into(o);
      return o;
    }
    // Policy lists: a list the site has not set leaves the question to a person.
    const std::vector<std::string>* allowed = nullptr;
    const std::vector<std::string>* denied = nullptr;
    for (auto [name, dst] : {std::pair{&r.allowed, &allowed}, std::pair{&r.denied, &denied}}) {
      if (name->empty()) continue;
      const Policy* pol = c_.policy;
      auto it = pol ? pol->lists.find(*name) : decltype(pol->lists.end()){};
      if (!pol || it == pol->lists.end()) {
        Outcome o = Outcome::make(ResultKind::manual, "policy list '" + *name + "' is not set (scan --policy FILE); values seen:");
        EvidenceList ev;
        for (const auto& m : matches) ev.add([&] { return shown(m); });
        ev.into(o);
        return o;
      }
      *dst = &it->second;
    }
    auto policy_why = [&](const nlohmann::json& v) -> std::string {
      std::vector<std::string> values;
      if (v.is_array()) for (const auto& e : v) values.push_back(parse::doc_text(e));
      else values.push_back(parse::doc_text(v));
      for (const auto& val : values) {
        auto hit = [&](const std::vector<std::string>* list) {
          return std::any_of(list->begin(), list->end(), [&](const std::string& pat) { return util::wildcard_match(pat, val); });
        };
        if (allowed && !hit(allowed)) return val + " is not in policy list '" + r.allowed + "'";
        if (denied && hit(denied)) return val + " is in policy list '" + r.denied + "'";
      }
      return {};
    };
    EvidenceList good, bad, plain_bad;
    for (const auto& m : matches) {
      std::string why = r.test.empty() ? std::string() : r.test.check(parse::doc_text(*m.value));
      if (why.empty()) why = policy_why(*m.value);
      if (why.empty()) {
        good.add([&] { return shown(m); });
      } else {
        bad.add([&] { return shown(m) + " (" + why + ")"; });
        plain_bad.add([&] { return shown(m); });  // for 'none': failing the test is what passes
      }
    }
    Outcome o;
    switch (r.each) {
      case Each::all:
        o.kind = bad.total ? ResultKind::fail : ResultKind::pass;
        (bad.total ? bad : good).into(o);
        break;
      case Each::any:
        o.kind = good.total ? ResultKind::pass : ResultKind::fail;
        (good.total ? good : bad).into(o);
        break;
      case Each::none:
        o.kind = good.total ? ResultKind::fail : ResultKind::pass;
        if (good.total) {
          for (auto& item : good.items) item += " (no element may match: " + r.test.describe() + ")";
          good.into(o);
        } else {
          plain_bad.into(o);
        }
        break;
    }
    return o;
  }

  Outcome operator()(const detail::FleetRule&) {
    return Outcome::na("a fleet rule: it compares hosts, so fleet scans and `fleetaudit fleet` answer it");
  }

  Outcome operator()(const detail::EfiVarRule& r) {
    const FileFact* efi = c_.file("/sys/firmware/efi");
    if (!efi) return Outcome::error("/sys/firmware/efi was not collected");
    if (efi->type == FileType::error) return Outcome::error("/sys/firmware/efi: " + efi->error);
    if (!efi->exists()) return Outcome::fail("the host did not boot through UEFI (no /sys/firmware/efi): " + r.name + " cannot be on");
    const std::string path = r.path();
    FileText t = c_.source.text(path);
    if (t.status == FileText::Status::missing) return Outcome::fail("UEFI variable " + r.name + " is not set (" + path + " does not exist)");
    if (t.status != FileText::Status::ok)
      return Outcome::error(path + (t.status == FileText::Status::not_collected ? " was not collected" : " could not be read: " + t.reason));
    if (t.text.size() < 5) return Outcome::error(path + ": " + std::to_string(t.text.size()) + " bytes, too short for a UEFI variable");
    std::string value = std::to_string(static_cast<unsigned char>(t.text[4]));
    std::string why = r.test.check(value);
    std::string seen = "UEFI variable " + r.name + " = " + value;
    return why.empty() ? Outcome::pass(seen) : Outcome::fail(seen + " (" + why + ")");
  }

  HostFacts::Cache& c_;
  const Subject* subject_;
};

Outcome applicability(HostFacts::Cache& c, const detail::Applicability& a) {
  if (!a.roles.empty()) {
    const auto& tags = c.snap.tags;
    bool hit = std::any_of(a.roles.begin(), a.roles.end(),
                           [&](const std::string& r) { return std::find(tags.begin(), tags.end(), r) != tags.end(); });
    if (!hit)
      return Outcome::na("host roles are " + (tags.empty() ? std::string("none") : util::join(tags, ", ")) + ", check applies to " +
                         util::join(a.roles, ", "));
  }
  if (!a.os.empty() || !a.os_versions.empty()) {
    const auto& os = c.os_identity();
    if (!os.available) return Outcome::error("cannot tell the operating system: " + os.problem);
    if (!a.os.empty()) {
      bool hit = std::any_of(a.os.begin(), a.os.end(), [&](const std::string& want) {
        return std::find(os.ids.begin(), os.ids.end(), want) != os.ids.end();
      });
      if (!hit)
        return Outcome::na("operating system is " + (os.id.empty() ? std::string("unknown") : os.id) + ", check applies to " +
                           util::join(a.os, ", "));
    }
    if (!a.os_versions.empty() && std::find(a.os_versions.begin(), a.os_versions.end(), os.version) == a.os_versions.end())
      return Outcome::na("operating system version is " + os.version + ", check applies to " + util::join(a.os_versions, ", "));
  }
  if (!a.packages.empty()) {
    const auto& db = c.packages();
    if (!db.available) return Outcome::na("no package database (" + db.problem + ")");
    bool any = std::any_of(a.packages.begin(), a.packages.end(), [&](const std::string& n) {
      const auto* p = db.value.find(n);
      return p && p->present;
    });
    if (!any && !db.value.complete)
      return Outcome::error("package database incomplete, " + util::join(a.packages, " or ") + " may be installed: " + util::join(db.value.problems, "; "));
    if (!any) return Outcome::na(util::join(a.packages, " or ") + " not installed");
  }
  for (const auto& raw : a.files) {
    const std::string& f = c.expand(raw);
    const FileFact* ff = c.file(f);
    if (!ff) return Outcome::error(f + " was not collected");
    if (ff->type == FileType::error) return Outcome::error(f + ": " + ff->error);
    if (!ff->exists()) return Outcome::na(f + " does not exist");
  }
  if (!a.any_files.empty()) {
    bool any = false;
    for (const auto& f : a.any_files) {
      const FileFact* ff = c.file(f);
      if (!ff) return Outcome::error(f + " was not collected");
      if (ff->type == FileType::error) return Outcome::error(f + ": " + ff->error);
      any = any || ff->exists();
    }
    if (!any) return Outcome::na("none of " + util::join(a.any_files, ", ") + " exists");
  }
  return Outcome{};  // applies
}

}  // namespace

HostFacts::HostFacts(const Snapshot& snapshot, const Policy* policy)
    : snapshot_(&snapshot), policy_(policy), cache_(std::make_unique<Cache>(snapshot, policy)) {}
HostFacts::~HostFacts() = default;
const Snapshot& HostFacts::snapshot() const noexcept { return *snapshot_; }

namespace {

// Every result of one check: one for the host, or one per subject.
void evaluate_into(const HostFacts& facts, const Check& check, std::vector<CheckResult>& out) {
  CheckResult res;
  res.check_id = check.id;
  res.title = check.title;
  res.severity = check.severity;
  res.check = &check;
  auto finish = [&](ResultKind k, std::string evidence) {
    res.result = k;
    res.evidence = std::move(evidence);
    out.push_back(std::move(res));
  };
  HostFacts::Cache& cache = facts.cache();
  const SubjectKind* kind = check.subject.empty() ? nullptr : find_subject_kind(check.subject);
  if (cache.snap.kind == Snapshot::Kind::manifests && !(kind && kind->from_manifests))
    return finish(ResultKind::not_applicable, "Kubernetes manifests are no host: this check examines hosts");
  if (check.applies) {
    Outcome a = applicability(cache, *check.applies);
    if (a.kind != ResultKind::pass) return finish(a.kind, std::move(a.evidence));
  }
  if (!check.rule) return finish(ResultKind::error, "check has no rule");
  if (check.subject.empty()) {
    Outcome o = Evaluator(cache).eval(*check.rule);
    return finish(o.kind, std::move(o.evidence));
  }
  if (!kind) return finish(ResultKind::error, "unknown subject kind '" + check.subject + "'");
  const SubjectSet& set = cache.subjects(*kind);
  if (!set.available) return finish(ResultKind::error, set.why);
  for (const Subject& s : set.subjects) {
    CheckResult r = res;
    r.subject = s.name;
    Outcome o = Evaluator(cache, &s).eval(*check.rule);
    r.result = o.kind;
    r.evidence = std::move(o.evidence);
    out.push_back(std::move(r));
  }
  // A document that could not be read is an error of its own, never a silent pass.
  for (const auto& p : set.problems) {
    CheckResult r = res;
    r.subject = p.substr(0, p.find(": "));
    r.result = ResultKind::error;
    r.evidence = p;
    out.push_back(std::move(r));
  }
  if (set.subjects.empty() && set.problems.empty()) finish(ResultKind::not_applicable, set.why);
}

}  // namespace

CheckResult evaluate_check(const HostFacts& facts, const Check& check) {
  std::vector<CheckResult> all;
  evaluate_into(facts, check, all);
  if (all.size() == 1) {
    all.front().subject.clear();
    return std::move(all.front());
  }
  // Several subjects: the worst of them, with each subject's evidence.
  auto rank = [](ResultKind k) {
    switch (k) {
      case ResultKind::fail: return 4;
      case ResultKind::error: return 3;
      case ResultKind::pass: return 2;
      default: return 1;
    }
  };
  CheckResult agg = all.front();
  agg.subject.clear();
  agg.evidence.clear();
  for (const auto& r : all) {
    if (rank(r.result) > rank(agg.result)) agg.result = r.result;
  }
  for (const auto& r : all) {
    if (r.result != agg.result) continue;
    if (!agg.evidence.empty()) agg.evidence += '\n';
    agg.evidence += "[" + r.subject + "] " + r.evidence;
  }
  return agg;
}

HostReport evaluate(const HostFacts& facts, const Selection& selection) {
  HostReport rep;
  const Snapshot& snap = facts.snapshot();
  rep.host = snap.host;
  rep.collector = snap.collector;
  rep.collected_at = snap.collected_at;
  rep.tags = snap.tags;
  if (!snap.errors.empty()) {
    rep.state = "partial";
    rep.state_detail = util::join(snap.errors, "; ");
  }
  rep.results.reserve(selection.items.size());
  for (std::size_t i = 0; i < selection.items.size(); ++i) {
    const auto& item = selection.items[i];
    if (item.check) {
      const std::size_t first = rep.results.size();
      evaluate_into(facts, *item.check, rep.results);
      for (std::size_t k = first; k < rep.results.size(); ++k) {
        rep.results[k].item = static_cast<std::uint32_t>(i);
        if (item.entry) rep.results[k].section = item.entry->section;
      }
      continue;
    }
    CheckResult r;
    r.item = static_cast<std::uint32_t>(i);
    if (item.entry && !item.entry->manual.empty()) {
      r.result = ResultKind::manual;
      r.title = item.entry->title;
      r.evidence = item.entry->manual;
      r.severity = Severity::info;
    } else {
      r.result = ResultKind::error;
      r.check_id = item.entry ? item.entry->check_id : std::string();
      r.evidence = "check not found in the loaded content";
    }
    if (item.entry) r.section = item.entry->section;
    rep.results.push_back(std::move(r));
  }
  rep.summary = summarize(rep.results);
  return rep;
}

HostReport evaluate(const Snapshot& snapshot, const Selection& selection, const Policy* policy) {
  HostFacts facts(snapshot, policy);
  return evaluate(facts, selection);
}

Summary summarize(const std::vector<CheckResult>& results) {
  Summary s;
  long long good = 0, counted = 0;
  for (const auto& r : results) {
    int w = severity_weight(r.severity);
    switch (r.result) {
      case ResultKind::pass: ++s.pass; good += w; counted += w; break;
      case ResultKind::fail:
        ++s.fail;
        ++s.fail_by_severity[static_cast<int>(r.severity)];
        counted += w;
        break;
      case ResultKind::error: ++s.error; counted += w; break;
      case ResultKind::not_applicable: ++s.not_applicable; break;
      case ResultKind::manual: ++s.manual; break;
      case ResultKind::waived: ++s.waived; break;
    }
  }
  s.score = counted == 0 ? 100.0 : 100.0 * static_cast<double>(good) / static_cast<double>(counted);
  return s;
}

}  // namespace fleetaudit
