#include "util/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

namespace fleetaudit::util {

struct Regex::Code {
  std::string pattern;
  std::uint32_t options = 0;
  pcre2_code* code = nullptr;            // interpreted matching; immutable once compiled
  std::once_flag compiled;               // for deferred patterns
  std::atomic<std::uint32_t> uses{0};
  std::atomic<pcre2_code*> jit{nullptr};  // a JIT-compiled copy, published when ready
  std::once_flag jitted;

  // JIT compilation costs far more than one match: a pattern is interpreted
  // until it has been used this often (a fleet, not a single host).
  static constexpr std::uint32_t kJitAfter = 32;

  ~Code() {
    pcre2_code_free(jit.load());
    pcre2_code_free(code);
  }

  void ensure_compiled() {
    std::call_once(compiled, [this] {
      if (code) return;
      int err = 0;
      PCRE2_SIZE offset = 0;
      code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &err, &offset, nullptr);
    });
  }

  // Other threads may be matching with `code` meanwhile, so the JIT works on
  // a copy, which is published only when complete.
  void maybe_jit() {
    if (jit.load(std::memory_order_acquire) || uses.fetch_add(1, std::memory_order_relaxed) + 1 < kJitAfter) return;
    std::call_once(jitted, [this] {
      pcre2_code* copy = pcre2_code_copy(code);
      if (copy && pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) == 0) {
        jit.store(copy, std::memory_order_release);
      } else {
        pcre2_code_free(copy);
      }
    });
  }
};

namespace {
// One match-data block per thread, sized for a whole-match ovector: searches
// allocate nothing.
struct MatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  ~MatchData() { pcre2_match_data_free(data); }
};
}  // namespace

Expected<Regex> Regex::compile(std::string_view pattern, bool case_insensitive, bool multiline) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  std::uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (case_insensitive) options |= PCRE2_CASELESS;
  if (multiline) options |= PCRE2_MULTILINE;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), options, &err, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    return fail("bad regex '" + std::string(pattern) + "' at offset " + std::to_string(offset) + ": " +
                reinterpret_cast<const char*>(buf));
  }
  auto holder = std::make_shared<Code>();
  holder->code = code;
  holder->options = options;
  Regex re;
  re.code_ = std::move(holder);
  re.pattern_ = std::string(pattern);
  if (!case_insensitive) re.literal_ = required_literal_of(pattern);
  return re;
}

Regex Regex::deferred(std::string_view pattern, bool case_insensitive, bool multiline) {
  auto holder = std::make_shared<Code>();
  holder->pattern = std::string(pattern);
  holder->options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (case_insensitive ? PCRE2_CASELESS : 0u) |
                    (multiline ? PCRE2_MULTILINE : 0u);
  Regex re;
  re.code_ = std::move(holder);
  re.pattern_ = std::string(pattern);
  return re;
}

namespace {

// A small recursive reading of a pattern that keeps, for each alternative,
// the runs of plain characters every match of it must contain. Anything it
// does not understand makes it give up (an empty answer is always safe).
class LiteralScan {
 public:
  explicit LiteralScan(std::string_view p) : p_(p) {}

  // Alternatives up to the closing ')' of the current group (or the end).
  std::vector<std::vector<std::string>> alternatives() {
    std::vector<std::vector<std::string>> alts(1);
    std::string run;
    auto end_run = [&] {
      if (!run.empty()) alts.back().push_back(run);
      run.clear();
    };
    while (i_ < p_.size() && !failed_) {
      char c = p_[i_];
      if (c == ')') break;
      if (c == '|') {
        end_run();
        alts.emplace_back();
        ++i_;
        continue;
      }
      if (c == '(') {
        end_run();
        std::optional<std::string> common = group();
        if (failed_) break;
        if (optional_quantifier()) continue;
        if (common && !common->empty()) alts.back().push_back(*common);
        continue;
      }
      if (c == '[') {
        skip_class();
        end_run();
        if (optional_quantifier()) continue;
        continue;
      }
      if (c == '?' || c == '*' || (c == '{' && i_ + 1 < p_.size() && p_[i_ + 1] == '0')) {
        if (!run.empty()) run.pop_back();  // the previous character was optional after all
        end_run();
        skip_quantifier();
        continue;
      }
      if (c == '+' || c == '{') {
        end_run();
        skip_quantifier();
        continue;
      }
      if (c == '\\') {
        if (i_ + 1 >= p_.size()) return fail();
        char e = p_[i_ + 1];
        i_ += 2;
        if (!std::isalnum(static_cast<unsigned char>(e))) {
          run += e;  // an escaped punctuation character is itself
        } else {
          end_run();  // \s, \d, \b, \x.. and friends are not plain characters
          if (e == 'x' || e == 'p' || e == 'P' || e == 'N' || e == 'o' || e == 'c') return fail();
        }
        continue;
      }
      if (c == '^' || c == '$' || c == '.') {
        end_run();
        ++i_;
        continue;
      }
      if (static_cast<unsigned char>(c) >= 0x80) return fail();  // keep it to ASCII
      run += c;
      ++i_;
    }
    end_run();
    return alts;
  }

  bool failed() const noexcept { return failed_; }

  /// The longest string (3+ characters) some run of every alternative contains.
  static std::string common(const std::vector<std::vector<std::string>>& alts) {
    if (alts.empty()) return {};
    if (alts.size() == 1) {  // one alternative: its longest run
      std::string best;
      for (const auto& run : alts.front())
        if (run.size() > best.size()) best = run;
      return best.size() >= 3 ? best : std::string();
    }
    std::vector<std::string> candidates;
    for (const auto& run : alts.front())
      for (std::size_t len = run.size(); len >= 3; --len)
        for (std::size_t at = 0; at + len <= run.size(); ++at) candidates.push_back(run.substr(at, len));
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const auto& cand : candidates) {
      bool everywhere = std::all_of(alts.begin(), alts.end(), [&](const std::vector<std::string>& runs) {
        return std::any_of(runs.begin(), runs.end(), [&](const std::string& r) { return r.find(cand) != std::string::npos; });
      });
      if (everywhere) return cand;
    }
    return {};
  }

 private:
  std::vector<std::vector<std::string>> fail() {
    failed_ = true;
    return {};
  }

  // At '(': reads the group; returns what every match of it contains, or
  // nullopt for groups that match nothing themselves (lookarounds, comments).
  std::optional<std::string> group() {
    ++i_;  // '('
    bool consumes = true;
    if (i_ < p_.size() && p_[i_] == '?') {
      std::string_view rest = p_.substr(i_);
      if (rest.starts_with("?:") || rest.starts_with("?>")) {
        i_ += 2;
      } else if (rest.starts_with("?=") || rest.starts_with("?!")) {
        i_ += 2;
        consumes = false;
      } else if (rest.starts_with("?<=") || rest.starts_with("?<!")) {
        i_ += 3;
        consumes = false;
      } else if (rest.starts_with("?<") || rest.starts_with("?P<") || rest.starts_with("?'")) {
        i_ = p_.find_first_of(">'", i_ + 2);  // named group: skip the name
        if (i_ == std::string_view::npos) return fail(), std::nullopt;
        ++i_;
      } else {
        return fail(), std::nullopt;  // inline flags and other constructs change matching
      }
    }
    auto alts = alternatives();
    if (failed_ || i_ >= p_.size() || p_[i_] != ')') return fail(), std::nullopt;
    ++i_;
    if (!consumes) return std::nullopt;
    return common(alts);
  }

  void skip_class() {
    ++i_;
    if (i_ < p_.size() && p_[i_] == '^') ++i_;
    if (i_ < p_.size() && p_[i_] == ']') ++i_;
    while (i_ < p_.size() && p_[i_] != ']') {
      if (p_[i_] == '\\') ++i_;
      ++i_;
    }
    ++i_;
  }

  // After a group or class: true (and skipped) when what preceded may be absent.
  bool optional_quantifier() {
    if (i_ >= p_.size()) return false;
    char c = p_[i_];
    if (c == '?' || c == '*' || (c == '{' && i_ + 1 < p_.size() && p_[i_ + 1] == '0')) {
      skip_quantifier();
      return true;
    }
    if (c == '+' || c == '{') skip_quantifier();
    return false;
  }

  void skip_quantifier() {
    if (p_[i_] == '{') {
      std::size_t close = p_.find('}', i_);
      i_ = close == std::string_view::npos ? p_.size() : close + 1;
    } else {
      ++i_;
    }
    if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+')) ++i_;  // lazy or possessive
  }

  std::string_view p_;
  std::size_t i_ = 0;
  bool failed_ = false;
};

}  // namespace

std::string required_literal_of(std::string_view pattern) {
  LiteralScan scan(pattern);
  auto alts = scan.alternatives();
  if (scan.failed()) return {};
  return LiteralScan::common(alts);
}

bool Regex::search(std::string_view subject) const {
  if (!code_) return false;
  code_->ensure_compiled();
  if (!code_->code) return false;
  code_->maybe_jit();
  thread_local MatchData md;
  const auto* s = reinterpret_cast<PCRE2_SPTR>(subject.data());
  if (pcre2_code* j = code_->jit.load(std::memory_order_acquire))
    return pcre2_jit_match(j, s, subject.size(), 0, 0, md.data, nullptr) >= 0;
  return pcre2_match(code_->code, s, subject.size(), 0, 0, md.data, nullptr) >= 0;
}

std::optional<std::size_t> Regex::find(std::string_view subject) const {
  if (!code_) return std::nullopt;
  code_->ensure_compiled();
  if (!code_->code) return std::nullopt;
  code_->maybe_jit();
  thread_local MatchData md;
  const auto* s = reinterpret_cast<PCRE2_SPTR>(subject.data());
  int rc;
  if (pcre2_code* j = code_->jit.load(std::memory_order_acquire)) rc = pcre2_jit_match(j, s, subject.size(), 0, 0, md.data, nullptr);
  else rc = pcre2_match(code_->code, s, subject.size(), 0, 0, md.data, nullptr);
  if (rc < 0) return std::nullopt;
  return static_cast<std::size_t>(pcre2_get_ovector_pointer(md.data)[0]);
}

}  // namespace fleetaudit::util
