#include "content/yaml_doc.hpp"

#include <yaml.h>

#include <algorithm>
#include <map>

namespace fleetaudit::yaml {

namespace {
const std::string kEmpty;
const std::vector<Node> kNoItems;
const std::vector<Node::Pair> kNoPairs;

struct ParserHandle {
  yaml_parser_t p;
  ParserHandle() { yaml_parser_initialize(&p); }
  ~ParserHandle() { yaml_parser_delete(&p); }
};
struct EventHandle {
  yaml_event_t e{};
  bool live = false;
  ~EventHandle() {
    if (live) yaml_event_delete(&e);
  }
};
}  // namespace

const std::string& Node::Scalar() const noexcept { return d_ && d_->type == Type::scalar ? d_->scalar : kEmpty; }
std::size_t Node::size() const noexcept {
  if (!d_) return 0;
  return d_->type == Type::map ? d_->pairs.size() : d_->type == Type::sequence ? d_->items.size() : 0;
}
const std::vector<Node>& Node::items() const noexcept { return d_ && d_->type == Type::sequence ? d_->items : kNoItems; }
const std::vector<Node::Pair>& Node::pairs() const noexcept { return d_ && d_->type == Type::map ? d_->pairs : kNoPairs; }

Node Node::operator[](std::string_view key) const {
  for (const auto& [k, v] : pairs()) {
    if (k.IsScalar() && k.Scalar() == key) return v;
  }
  return Node();
}

class Builder {
 public:
  static Node make(Node::Type type, Mark mark) {
    Node n;
    n.d_ = std::make_shared<Node::Data>();
    n.d_->type = type;
    n.d_->mark = mark;
    return n;
  }
  static Node::Data& data(Node& n) { return *n.d_; }
};

namespace {

// Drives libyaml's event parser and builds one tree per document. Each
// finished document goes to `on_document`; returning false stops the stream.
// Returns the syntax error that stopped it, if any.
template <class OnDocument>
std::optional<ParseError> run(std::string_view text, OnDocument&& on_document, std::size_t& started) {
  ParserHandle ph;
  yaml_parser_set_input_string(&ph.p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::vector<Node> stack;             // open collections
  std::vector<bool> expecting_value;   // for maps: a key is waiting for its value
  std::map<std::string, Node> anchors;  // anchors belong to their document
  Node root;
  bool have_root = false;
  Mark doc_start;
  bool between = true;  // no document open
  started = 0;

  auto attach = [&](Node n) {
    if (stack.empty()) {
      if (!have_root) {
        root = n;
        have_root = true;
      }
      return;
    }
    Node::Data& top = Builder::data(stack.back());
    if (top.type == Node::Type::sequence) {
      top.items.push_back(std::move(n));
    } else if (!expecting_value.back()) {
      top.pairs.emplace_back(std::move(n), Node());
      expecting_value.back() = true;
    } else {
      top.pairs.back().second = std::move(n);
      expecting_value.back() = false;
    }
  };

  for (;;) {
    EventHandle ev;
    if (!yaml_parser_parse(&ph.p, &ev.e)) {
      ParseError err;
      err.mark = {static_cast<int>(ph.p.problem_mark.line), static_cast<int>(ph.p.problem_mark.column)};
      err.message = ph.p.problem ? ph.p.problem : "malformed YAML";
      if (ph.p.context) err.message = std::string(ph.p.context) + ": " + err.message;
      // An error between documents belongs to the next one.
      if (between) ++started;
      return err;
    }
    ev.live = true;
    Mark mark{static_cast<int>(ev.e.start_mark.line), static_cast<int>(ev.e.start_mark.column)};
    switch (ev.e.type) {
      case YAML_STREAM_END_EVENT:
        return std::nullopt;
      case YAML_DOCUMENT_START_EVENT:
        ++started;
        between = false;
        have_root = false;
        root = Node();
        anchors.clear();
        doc_start = mark;
        break;
      case YAML_DOCUMENT_END_EVENT: {
        Document d;
        d.number = started;
        d.start = doc_start;
        d.root = have_root ? root : Builder::make(Node::Type::null, doc_start);
        have_root = false;
        between = true;
        if (!on_document(std::move(d))) return std::nullopt;
        break;
      }
      case YAML_SCALAR_EVENT: {
        std::string_view value(reinterpret_cast<const char*>(ev.e.data.scalar.value), ev.e.data.scalar.length);
        bool plain = ev.e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        bool null = plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL");
        Node n = Builder::make(null ? Node::Type::null : Node::Type::scalar, mark);
        if (!null) {
          Builder::data(n).scalar.assign(value);
          Builder::data(n).plain = plain;
        }
        if (ev.e.data.scalar.anchor) anchors[reinterpret_cast<const char*>(ev.e.data.scalar.anchor)] = n;
        attach(std::move(n));
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        bool seq = ev.e.type == YAML_SEQUENCE_START_EVENT;
        Node n = Builder::make(seq ? Node::Type::sequence : Node::Type::map, mark);
        const yaml_char_t* anchor = seq ? ev.e.data.sequence_start.anchor : ev.e.data.mapping_start.anchor;
        if (anchor) anchors[reinterpret_cast<const char*>(anchor)] = n;
        stack.push_back(n);
        expecting_value.push_back(false);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Node done = std::move(stack.back());
        stack.pop_back();
        expecting_value.pop_back();
        attach(std::move(done));
        break;
      }
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(reinterpret_cast<const char*>(ev.e.data.alias.anchor));
        if (it == anchors.end())
          return ParseError{mark, std::string("unknown alias '") + reinterpret_cast<const char*>(ev.e.data.alias.anchor) + "'"};
        attach(it->second);
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace

std::expected<Node, ParseError> parse(std::string_view text) {
  std::optional<Node> first;
  std::size_t started = 0;
  // Only the first document counts: the stream stops after it, so what
  // follows is never read.
  auto err = run(text, [&](Document d) {
    first = std::move(d.root);
    return false;
  }, started);
  if (first) return *first;
  if (err) return std::unexpected(*err);
  return Builder::make(Node::Type::null, {0, 0});
}

Stream parse_stream(std::string_view text) {
  Stream out;
  std::size_t started = 0;
  auto err = run(text, [&](Document d) {
    out.documents.push_back(std::move(d));
    return true;
  }, started);
  if (err) {
    out.error = std::move(*err);
    out.error_document = std::max<std::size_t>(started, 1);
  }
  return out;
}

}  // namespace fleetaudit::yaml
