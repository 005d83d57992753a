//! A YAML document as a tree of nodes that remember their line and column.
//!
//! Real Compose (compose-go) decodes the file with go-yaml into a generic tree, interpolates it, then
//! validates it against the Compose JSON schema. We do the same: `serde-saphyr` (a maintained YAML
//! 1.2 parser; the archived `serde_yaml` is not used) fills this tree through serde, and its
//! `Spanned` wrapper gives each node its position so that our schema errors can say where the
//! mistake is. Duplicate keys are rejected by the parser, as go-yaml v3 does.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

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

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            value: spanned.value,
            pos: Pos {
                line: spanned.referenced.line(),
                column: spanned.referenced.column(),
            },
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(node) = seq.next_element::<Node>()? {
            items.push(node);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

/// Rewrites saphyr's message the way go-yaml v3 words it (`line 4, column 5: mapping key "image"
/// already defined`), without the library's advice about its options.
fn go_yaml_words(message: &str, location: Option<(u64, u64)>) -> String {
    let first = message.lines().next().unwrap_or("").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // `line 4 column 5: text` → position and text.
    let (pos, text) = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((pos, text)) => (Some(pos.replacen(" column", ", column", 1)), text),
        None => (location.map(|(l, c)| format!("{l}, column {c}")), first),
    };
    let text = match text.strip_prefix("duplicate mapping key: ") {
        Some(rest) => {
            let key = rest.split(", set ").next().unwrap_or(rest);
            format!("mapping key \"{key}\" already defined")
        }
        None => text.to_string(),
    };
    match pos {
        Some(pos) => format!("line {pos}: {text}"),
        None => text,
    }
}

/// Parses a document; the error is the parser's message with its line and column.
pub fn parse(text: &str) -> Result<Node, String> {
    if text.trim().is_empty() {
        return Ok(Node::new(Value::Null));
    }
    serde_saphyr::from_str::<Node>(text).map_err(|e| {
        let location = e.location().map(|l| (l.line(), l.column()));
        go_yaml_words(&e.to_string(), location)
    })
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
}
