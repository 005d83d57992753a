//! A YAML document as a tree of nodes that remember their line and column.
//!
//! Real Compose (compose-go) decodes the file with go-yaml v3 into a generic tree, interpolates
//! it, then validates it against the Compose JSON schema. We do the same: `granit-parser` (a
//! maintained YAML 1.2 event parser) scans the text and the builder below turns its events into
//! this tree, each node keeping its position so that our schema errors can say where the mistake
//! is. Building the tree ourselves (rather than through serde) keeps the WebAssembly small.
//!
//! What we model, as go-yaml v3 does it when it decodes into a generic value:
//! - Untyped (plain) scalars resolve as go-yaml's `resolve.go` does: `~`/`null`/`Null`/`NULL` and
//!   empty are null; only `true`/`True`/`TRUE`/`false`/`False`/`FALSE` are booleans (YAML 1.1's
//!   `yes`/`no`/`on`/`off` stay strings); integers in decimal, `0x`, `0o`, `0b` and, as go-yaml
//!   keeps for compatibility, a leading `0` for octal (`0440` is 288), underscores ignored;
//!   floats (`1.5`, `1e3`, `.inf`, `-.inf`, `.nan`); everything else is a string. Quoted and block
//!   scalars are strings. The tags `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` are honoured,
//!   with go-yaml's `cannot decode` error when the text does not fit.
//! - Anchors and aliases: an alias is a copy of the anchored node.
//! - Merge keys (`<<: *x`, `<<: [*a, *b]`): keys written in the mapping win over merged ones,
//!   earlier merged mappings win over later ones, as go-yaml's `decoder.merge` does.
//! - A key repeated in one mapping is an error, worded as go-yaml v3 words it.
//!
//! What we simplify:
//! - Only one document: compose-go reads every document of the stream and merges them; we
//!   reject a second one (as this simulator always has).
//! - Other tags (`!reset`, `!override`, `!!binary`, `!!timestamp`…) are ignored: the scalar
//!   resolves as if untagged. Compose's `!reset`/`!override` only matter when files are merged,
//!   which we do not model.
//! - An integer beyond `i64` becomes a float (go-yaml keeps a `uint64`).
//! - An alias copy takes the position of the alias, where the reader meets it.
//! - Keys are equal when their values are (go-yaml compares the written text: `1` and `'1'`
//!   collide there, `true` and `True` do not; here it is the reverse).
//! - Limits go-yaml does not have, so that a hostile file cannot exhaust the browser tab: aliases
//!   may copy at most [`MAX_ALIAS_COPIED_NODES`] nodes in all and make the tree at most
//!   [`MAX_DEPTH_LEVELS`] deep (the parser itself bounds the nesting written in the file).

use std::collections::{BTreeMap, BTreeSet};

use granit_parser::{Event, Parser, ScalarStyle, Span, Tag};

/// Where a node starts in the file (1-based; 0 when unknown).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in file order (compose-go keeps a map; order matters only for our output).
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn new(value: Value) -> Node {
        Node {
            value,
            pos: Pos::default(),
        }
    }

    /// The key's text, as compose-go sees a key (scalars are stringified).
    pub fn as_key(&self) -> String {
        match &self.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            Value::Seq(_) | Value::Map(_) => "?".into(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_key() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text (numbers and booleans as YAML writes them).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Parses a document; the error is the parser's message with its line and column.
pub fn parse(text: &str) -> Result<Node, String> {
    // Blank text is an empty file, whatever blanks it holds (a lone tab would be a scan error).
    if text.trim().is_empty() {
        return Ok(Node::new(Value::Null));
    }
    // Unresolved aliases come back as events so that the error can name the anchor as go-yaml
    // does; everything else is the parser's default (comments are skipped, not emitted).
    let options = granit_parser::options! { emit_unresolved_aliases: true };
    let mut builder = Builder::default();
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|e| {
            let at = e.marker();
            format!("line {}, column {}: {}", at.line(), at.col() + 1, e.info())
        })?;
        if !builder.event(event, span, text)? {
            break;
        }
    }
    Ok(builder.root.unwrap_or(Node::new(Value::Null)))
}

/// The copies all aliases of one file may make, in nodes. go-yaml v3 has only a ratio check
/// ("excessive aliasing"); a few nested aliases ("billion laughs") would otherwise fill the
/// browser's memory. Real compose files copy a few hundred nodes at most.
pub const MAX_ALIAS_COPIED_NODES: usize = 100_000;

/// The deepest tree aliases may build, in levels. The parser bounds what is written in the file
/// (255 block and 255 flow collections); an alias can nest a whole anchored tree deeper, and the
/// compose code walks the tree recursively.
pub const MAX_DEPTH_LEVELS: usize = 512;

/// A collection whose end event has not come yet.
enum Open {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        /// Each key's [`Node::as_key`]: a key not in here is new, without comparing it with
        /// every entry (a long flow mapping would be quadratic otherwise).
        key_texts: BTreeSet<String>,
        /// The key read, waiting for its value.
        key: Option<Key>,
        /// The values of `<<` keys, merged when the mapping ends (its own keys win).
        merges: Vec<Node>,
        /// Whether a `<<` key came already: a second one is a repeated key, as in go-yaml.
        merge_key_seen: bool,
    },
}

enum Key {
    Plain(Node),
    /// `<<`: its value is merged into the mapping instead of becoming an entry.
    Merge,
}

/// An anchored node, kept to be copied for each alias.
struct Anchored {
    node: Node,
    nodes: usize,
    depth_levels: usize,
}

#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    anchors: BTreeMap<usize, Anchored>,
    copied_nodes: usize,
    documents: usize,
    root: Option<Node>,
}

impl Builder {
    /// Takes one parser event; `false` when the rest of the stream is not needed.
    /// Long because it is one arm per YAML parser event (scalars, collections, anchors, aliases,
    /// documents), sharing the builder's stack.
    fn event(&mut self, event: Event, span: Span, text: &str) -> Result<bool, String> {
        let pos = Pos {
            line: span.start.line() as u64,
            column: span.start.col() as u64 + 1,
        };
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(at(pos, "multiple YAML documents detected"));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let merge_key = value == "<<"
                    && match &tag {
                        None => style == ScalarStyle::Plain,
                        Some(tag) => tag.suffix_in_namespace(CORE_TAGS).as_deref() == Some("merge"),
                    };
                let node = Node {
                    value: resolve(&value, style, tag.as_deref()).map_err(|e| at(pos, &e))?,
                    pos,
                };
                self.add(node, anchor, merge_key)?;
            }
            Event::Alias(id) => {
                let name = span.slice(text).unwrap_or("").trim_start_matches('*');
                // The parser knows the anchor but its node is not finished: it contains itself.
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err(at(pos, &format!("anchor '{name}' value contains itself")));
                };
                self.copied_nodes += anchored.nodes;
                if self.copied_nodes > MAX_ALIAS_COPIED_NODES {
                    return Err(at(pos, "document contains excessive aliasing"));
                }
                if self.open.len() + anchored.depth_levels > MAX_DEPTH_LEVELS {
                    return Err(at(
                        pos,
                        &format!("exceeded max depth of {MAX_DEPTH_LEVELS}"),
                    ));
                }
                let mut node = anchored.node.clone();
                move_to(&mut node, pos);
                self.add(node, 0, false)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(at(pos, &format!("unknown anchor '{name}' referenced")));
            }
            Event::SequenceStart(_, anchor, _) => self.open.push(Open::Seq {
                pos,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(_, anchor, _) => self.open.push(Open::Map {
                pos,
                anchor,
                entries: Vec::new(),
                key_texts: BTreeSet::new(),
                key: None,
                merges: Vec::new(),
                merge_key_seen: false,
            }),
            Event::SequenceEnd | Event::MappingEnd => match self.open.pop() {
                Some(Open::Seq { pos, anchor, items }) => {
                    self.add(
                        Node {
                            value: Value::Seq(items),
                            pos,
                        },
                        anchor,
                        false,
                    )?;
                }
                Some(Open::Map {
                    pos,
                    anchor,
                    mut entries,
                    mut key_texts,
                    merges,
                    ..
                }) => {
                    for merged in merges {
                        merge_into(&mut entries, &mut key_texts, merged);
                    }
                    self.add(
                        Node {
                            value: Value::Map(entries),
                            pos,
                        },
                        anchor,
                        false,
                    )?;
                }
                // The parser pairs every end with its start.
                None => {}
            },
            // A stream without a document (only comments) is null, where the stream ends.
            Event::StreamEnd => {
                self.root.get_or_insert(Node {
                    value: Value::Null,
                    pos,
                });
                return Ok(false);
            }
            // Stream and document boundaries, and presentation events (comments, anchor names)
            // when some other crate turns them on, carry no data.
            _ => {}
        }
        Ok(true)
    }

    /// Puts a finished node where it belongs: the root, a sequence item, a key or a value.
    fn add(&mut self, node: Node, anchor: usize, merge_key: bool) -> Result<(), String> {
        if anchor != 0 {
            let (nodes, depth_levels) = size(&node);
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    nodes,
                    depth_levels,
                },
            );
        }
        match self.open.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                key_texts,
                key,
                merges,
                merge_key_seen,
                ..
            }) => match key.take() {
                None if merge_key => {
                    if std::mem::replace(merge_key_seen, true) {
                        return Err(already_defined(&node));
                    }
                    *key = Some(Key::Merge);
                }
                None => {
                    if !key_texts.insert(node.as_key())
                        && entries.iter().any(|(k, _)| same(&k.value, &node.value))
                    {
                        return Err(already_defined(&node));
                    }
                    *key = Some(Key::Plain(node));
                }
                Some(Key::Plain(k)) => entries.push((k, node)),
                Some(Key::Merge) => {
                    // go-yaml decode.go `failWantMap`, at the value that is not a mapping.
                    let not_a_map = match &node.value {
                        Value::Map(_) => None,
                        Value::Seq(items) => items
                            .iter()
                            .find(|i| !matches!(i.value, Value::Map(_)))
                            .map(|i| i.pos),
                        _ => Some(node.pos),
                    };
                    if let Some(pos) = not_a_map {
                        return Err(at(
                            pos,
                            "map merge requires map or sequence of maps as the value",
                        ));
                    }
                    merges.push(node);
                }
            },
        }
        Ok(())
    }
}

/// The handle of the YAML core tags (`!!str` is `tag:yaml.org,2002:str`).
const CORE_TAGS: &str = "tag:yaml.org,2002:";

/// Adds a merge value's entries (a mapping, or mappings in order) the mapping does not have yet.
fn merge_into(entries: &mut Vec<(Node, Node)>, key_texts: &mut BTreeSet<String>, merged: Node) {
    let maps = match merged.value {
        Value::Seq(items) => items,
        value => vec![Node { value, ..merged }],
    };
    for map in maps {
        let Value::Map(merged_entries) = map.value else {
            continue;
        };
        for (k, v) in merged_entries {
            if key_texts.insert(k.as_key())
                || !entries.iter().any(|(e, _)| same(&e.value, &k.value))
            {
                entries.push((k, v));
            }
        }
    }
}

/// Two values are the same key when they are equal wherever they were written.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Seq(a), Value::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(&a.value, &b.value))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|((ak, av), (bk, bv))| {
                    same(&ak.value, &bk.value) && same(&av.value, &bv.value)
                })
        }
        _ => a == b,
    }
}

/// A node's size in nodes and depth in levels (1 for a scalar).
fn size(node: &Node) -> (usize, usize) {
    let (mut nodes, mut levels) = (1, 1);
    let mut count = |child: &Node| {
        let (n, l) = size(child);
        nodes += n;
        levels = levels.max(l + 1);
    };
    match &node.value {
        Value::Seq(items) => items.iter().for_each(count),
        Value::Map(entries) => {
            for (k, v) in entries {
                count(k);
                count(v);
            }
        }
        _ => {}
    }
    (nodes, levels)
}

/// Gives a copied node, and everything in it, the alias's position.
fn move_to(node: &mut Node, pos: Pos) {
    node.pos = pos;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| move_to(i, pos)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            move_to(k, pos);
            move_to(v, pos);
        }),
        _ => {}
    }
}

fn at(pos: Pos, message: &str) -> String {
    format!("line {}, column {}: {message}", pos.line, pos.column)
}

/// go-yaml v3 decode.go: `mapping key %#v already defined at line %d` (the line is left out, as
/// ours has the column instead).
fn already_defined(key: &Node) -> String {
    at(
        key.pos,
        &format!("mapping key {:?} already defined", key.as_key()),
    )
}

/// A scalar's value: its tag if it names a core type, else its style and, if plain, its text.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let core = tag.and_then(Tag::core_suffix);
    let wanted = core.filter(|t| matches!(*t, "int" | "float" | "bool" | "null"));
    if wanted.is_none() && (core == Some("str") || style != ScalarStyle::Plain) {
        return Ok(Value::Str(text.to_string()));
    }
    let value = resolve_plain(text);
    // go-yaml resolve.go: a tagged scalar must resolve to its tag's type (an integer may be
    // a float).
    match (wanted, value) {
        (Some("float"), Value::Int(i)) => Ok(Value::Float(i as f64)),
        (None, value)
        | (Some("int"), value @ Value::Int(_))
        | (Some("float"), value @ Value::Float(_))
        | (Some("bool"), value @ Value::Bool(_))
        | (Some("null"), value @ Value::Null) => Ok(value),
        (Some(wanted), value) => {
            let found = match value {
                Value::Null => "null",
                Value::Bool(_) => "bool",
                Value::Int(_) => "int",
                Value::Float(_) => "float",
                _ => "str",
            };
            Err(format!("cannot decode !!{found} `{text}` as a !!{wanted}"))
        }
    }
}

/// An untagged plain scalar, as go-yaml v3 resolve.go reads it.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    // go-yaml reads a number only where one can start, and ignores every underscore in it.
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Value::Str(text.to_string());
    }
    let number = text.replace('_', "");
    if let Some(value) = integer(&number) {
        return value;
    }
    if is_float(&number)
        && let Ok(f) = number.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::Str(text.to_string())
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (its values beyond `i64` become floats):
/// an optional sign, then `0x`, `0o`, `0b`, a leading `0` (octal) or decimal digits.
fn integer(text: &str) -> Option<Value> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let lower = unsigned.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &unsigned[2..]),
        Some("0o") => (8, &unsigned[2..]),
        Some("0b") => (2, &unsigned[2..]),
        _ if unsigned.len() > 1 && unsigned.starts_with('0') => (8, &unsigned[1..]),
        _ => (10, unsigned),
    };
    // `from_str_radix` would take a sign of its own.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        // -2^63 is the one magnitude beyond i64::MAX that fits.
        return 0i64.checked_sub_unsigned(magnitude).map(Value::Int);
    }
    match i64::try_from(magnitude) {
        Ok(i) => Some(Value::Int(i)),
        // ParseUint takes no sign.
        Err(_) if text == unsigned => Some(Value::Float(magnitude as f64)),
        Err(_) => None,
    }
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_float(text: &str) -> bool {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    let s = text.strip_prefix(['+', '-']).unwrap_or(text);
    let whole = digits(s);
    let mut rest = &s[whole..];
    if let Some(after_dot) = rest.strip_prefix('.') {
        let fraction = digits(after_dot);
        if whole == 0 && fraction == 0 {
            return false;
        }
        rest = &after_dot[fraction..];
    } else if whole == 0 {
        return false;
    }
    match rest.strip_prefix(['e', 'E']) {
        None => rest.is_empty(),
        Some(exponent) => {
            let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            let n = digits(exponent);
            n > 0 && n == exponent.len()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_position() {
        let doc = parse("services:\n  web:\n    image: nginx\n    ports:\n      - 80\n").unwrap();
        let web = doc.get("services").unwrap().get("web").unwrap();
        let image = web.get("image").unwrap();
        assert_eq!(image.as_str(), Some("nginx"));
        assert_eq!(image.pos.line, 3);
        let Value::Seq(ports) = &web.get("ports").unwrap().value else {
            panic!()
        };
        assert_eq!(ports[0].value, Value::Int(80));
        assert_eq!(ports[0].pos.line, 5);
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse("services:\n  web:\n    image: a\n    image: b\n").unwrap_err();
        assert_eq!(e, "line 4, column 5: mapping key \"image\" already defined");
    }

    #[test]
    fn bad_yaml_names_its_line() {
        let e = parse("services:\n  web: [\n").unwrap_err();
        assert_eq!(e, "line 2, column 8: unclosed bracket '['");
    }

    /// The value of `k` in `k: <text>`.
    fn scalar(text: &str) -> Result<Value, String> {
        let doc = parse(&format!("k: {text}\n"))?;
        Ok(doc.get("k").map_or(Value::Null, |n| n.value.clone()))
    }

    #[test]
    fn scalars_resolve_as_go_yaml_does() {
        use Value::{Bool, Float, Int, Null, Str};
        let s = |t: &str| Str(t.to_string());
        let table = [
            ("~", Null),
            ("null", Null),
            ("Null", Null),
            ("NULL", Null),
            ("", Null),
            ("nULL", s("nULL")),
            ("true", Bool(true)),
            ("True", Bool(true)),
            ("TRUE", Bool(true)),
            ("false", Bool(false)),
            ("False", Bool(false)),
            ("FALSE", Bool(false)),
            // YAML 1.1 booleans are strings in YAML 1.2 and go-yaml v3.
            ("tRUE", s("tRUE")),
            ("yes", s("yes")),
            ("no", s("no")),
            ("on", s("on")),
            ("off", s("off")),
            ("y", s("y")),
            ("N", s("N")),
            ("0", Int(0)),
            ("12", Int(12)),
            ("-12", Int(-12)),
            ("+12", Int(12)),
            ("0x1F", Int(31)),
            ("-0x1F", Int(-31)),
            ("0o17", Int(15)),
            ("0b101", Int(5)),
            ("1_000", Int(1000)),
            // go-yaml still reads a leading 0 as octal (file modes: `mode: 0440`).
            ("0440", Int(288)),
            ("09", Float(9.0)),
            ("9223372036854775807", Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN)),
            ("9223372036854775808", Float(9_223_372_036_854_775_808.0)),
            ("1.5", Float(1.5)),
            ("-1.5", Float(-1.5)),
            ("1e3", Float(1000.0)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            (".inf", Float(f64::INFINITY)),
            ("+.Inf", Float(f64::INFINITY)),
            ("-.INF", Float(f64::NEG_INFINITY)),
            ("inf", s("inf")),
            ("0x", s("0x")),
            ("1e", s("1e")),
            ("1.2.3", s("1.2.3")),
            ("8080:80", s("8080:80")),
            ("2001-12-14", s("2001-12-14")),
            ("nginx:1.27", s("nginx:1.27")),
            // Quoted and block scalars are strings.
            ("'true'", s("true")),
            ("\"12\"", s("12")),
            ("''", s("")),
            ("|\n  12\n", s("12\n")),
            (">\n  true\n", s("true\n")),
            // Core tags say the type; other tags are ignored.
            ("!!str 12", s("12")),
            ("!!str ~", s("~")),
            ("!!str", s("")),
            ("!!int \"12\"", Int(12)),
            ("!!float 1", Float(1.0)),
            ("!!bool 'false'", Bool(false)),
            ("!!null ''", Null),
            ("!custom 5", Int(5)),
            ("!custom '5'", s("5")),
        ];
        for (text, want) in table {
            assert_eq!(scalar(text), Ok(want), "{text:?}");
        }
        let Ok(Float(nan)) = scalar(".nan") else {
            panic!(".nan")
        };
        assert!(nan.is_nan());
        assert_eq!(
            scalar("!!int x"),
            Err("line 1, column 10: cannot decode !!str `x` as a !!int".into())
        );
        assert_eq!(
            scalar("!!bool yes"),
            Err("line 1, column 11: cannot decode !!str `yes` as a !!bool".into())
        );
    }

    #[test]
    fn keys_resolve_like_values() {
        let doc = parse(
            "y: 1
1: a
null: b
",
        )
        .unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
        let keys: Vec<_> = entries.iter().map(|(k, _)| k.value.clone()).collect();
        assert_eq!(keys, [Value::Str("y".into()), Value::Int(1), Value::Null]);
        assert_eq!(doc.get("y").unwrap().value, Value::Int(1));
    }

    #[test]
    fn an_alias_is_a_copy_where_the_alias_is() {
        let doc = parse("a: &x {p: [1, 2]}\nb: *x\nc: &x 3\nd: *x\n").unwrap();
        let a = doc.get("a").unwrap();
        let b = doc.get("b").unwrap();
        assert_eq!(
            b.get("p").unwrap().value,
            Value::Seq(vec![
                Node {
                    value: Value::Int(1),
                    pos: Pos { line: 2, column: 4 }
                },
                Node {
                    value: Value::Int(2),
                    pos: Pos { line: 2, column: 4 }
                },
            ])
        );
        assert_eq!(
            a.get("p").unwrap().pos,
            Pos {
                line: 1,
                column: 11
            }
        );
        assert_eq!(b.pos, Pos { line: 2, column: 4 });
        // A name defined again means the latest definition from there on.
        assert_eq!(doc.get("d").unwrap().value, Value::Int(3));
    }

    #[test]
    fn bad_aliases_are_errors() {
        assert_eq!(
            parse("a: *nope\n").unwrap_err(),
            "line 1, column 4: unknown anchor 'nope' referenced"
        );
        assert_eq!(
            parse("a: &a [1, *a]\n").unwrap_err(),
            "line 1, column 11: anchor 'a' value contains itself"
        );
        // Each level holds ten copies of the one before: 10^9 nodes if nothing stopped it.
        let mut bomb = String::from("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let below = format!("*l{}", level - 1);
            let items = [below.as_str(); 10].join(", ");
            bomb.push_str(&format!("l{level}: &l{level} [{items}]\n"));
        }
        assert!(
            parse(&bomb)
                .unwrap_err()
                .ends_with("document contains excessive aliasing")
        );
        // Each anchor nests the one before one level deeper.
        let mut deep = String::from("l0: &l0 [[[[[[[[[[x]]]]]]]]]]\n");
        for level in 1..100 {
            deep.push_str(&format!(
                "l{level}: &l{level} [[[[[[*l{}]]]]]]\n",
                level - 1
            ));
        }
        assert!(
            parse(&deep)
                .unwrap_err()
                .ends_with(&format!("exceeded max depth of {MAX_DEPTH_LEVELS}"))
        );
    }

    #[test]
    fn merge_keys_merge_as_go_yaml_does() {
        let doc = parse(concat!(
            "x-a: &a {image: a, restart: always, user: a}\n",
            "x-b: &b {image: b, user: b, init: true}\n",
            "one:\n  image: own\n  <<: *a\n",
            "two:\n  <<: [*b, *a]\n  init: false\n",
            "three:\n  <<: {cpus: 1}\n",
            "four:\n  '<<': *a\n",
        ))
        .unwrap();
        let keys_and_values = |name: &str| -> Vec<(String, String)> {
            let Value::Map(entries) = &doc.get(name).unwrap().value else {
                panic!("{name}")
            };
            entries
                .iter()
                .map(|(k, v)| (k.as_key(), v.scalar_text().unwrap_or_default()))
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        // The mapping's own keys win, wherever the `<<` is; merged keys follow them.
        assert_eq!(
            keys_and_values("one"),
            pairs(&[("image", "own"), ("restart", "always"), ("user", "a")])
        );
        // Of several merged mappings, the earlier wins.
        assert_eq!(
            keys_and_values("two"),
            pairs(&[
                ("init", "false"),
                ("image", "b"),
                ("user", "b"),
                ("restart", "always")
            ])
        );
        assert_eq!(keys_and_values("three"), pairs(&[("cpus", "1")]));
        // A quoted `<<` is an ordinary key.
        assert!(doc.get("four").unwrap().get("<<").is_some());

        assert_eq!(
            parse("a: &a [1]\nb:\n  <<: [*a]\n").unwrap_err(),
            "line 3, column 8: map merge requires map or sequence of maps as the value"
        );
        assert_eq!(
            parse("b:\n  <<:\n").unwrap_err(),
            "line 2, column 5: map merge requires map or sequence of maps as the value"
        );
        assert_eq!(
            parse("a: &a {x: 1}\nb:\n  <<: *a\n  <<: *a\n").unwrap_err(),
            "line 4, column 3: mapping key \"<<\" already defined"
        );
        // Merging never makes a repeated key, but writing one still is.
        assert_eq!(
            parse("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n  x: 3\n").unwrap_err(),
            "line 5, column 3: mapping key \"x\" already defined"
        );
    }

    #[test]
    fn one_document_only() {
        assert_eq!(
            parse("a: 1\n---\nb: 2\n").unwrap_err(),
            "line 2, column 1: multiple YAML documents detected"
        );
        let doc = parse("---\na: 1\n...\n").unwrap();
        assert_eq!(doc.get("a").unwrap().value, Value::Int(1));
    }

    #[test]
    fn empty_and_comment_only_documents_are_null() {
        for text in [
            "",
            "  \n\t\n",
            "---\n",
            "---\n...\n",
            "# nothing here\n",
            "# a\n\n# b",
        ] {
            assert_eq!(parse(text).map(|n| n.value), Ok(Value::Null), "{text:?}");
        }
    }

    #[test]
    fn tabs_cannot_indent() {
        assert_eq!(
            parse("services:\n\tweb:\n").unwrap_err(),
            "line 2, column 2: tabs disallowed within this context (block indentation)"
        );
    }

    #[test]
    fn no_truncation_panics() {
        let real = include_str!("../../../../tests/data/example-voting-app/docker-stack.yml");
        let anchors = concat!(
            "x-logging: &logging\n  driver: json-file\n  options: {max-size: \"10m\"}\n",
            "x-common: &common\n  restart: unless-stopped\n  logging: *logging\n",
            "services:\n  web:\n    <<: *common\n    image: nginx\n    ports: [\"80:80\"]\n",
            "  api:\n    <<: [*common, {init: true}]\n    image: 'node:20'\n",
            "    command: >\n      node server.js\n    environment:\n      TZ: UTC\n",
        );
        for text in [real, anchors] {
            assert!(parse(text).is_ok());
            // Every prefix is Ok or Err (a half-written key is a string, an open bracket or
            // quote is an error): what matters is that none panics.
            let errors = text
                .char_indices()
                .filter(|&(cut, _)| parse(&text[..cut]).is_err())
                .count();
            assert!(errors > 0);
        }
    }
}
