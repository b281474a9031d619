//! Source positions for field paths in a RON file.
//!
//! serde forgets where a value came from, but every validation problem must name its line
//! and column (MODEL.md). This module parses RON a second time, loosely, into a tree that
//! remembers the position of every value, and answers "where is
//! `parties[2].preferences.ceasefire`?". It never fails: on text it cannot follow it
//! returns the deepest position it reached (at worst line 1, column 1).

use std::fmt;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A struct field or an enum variant's named field: `.name`.
    Field(String),
    /// A list element or a positional (tuple) element: `[i]`.
    Index(usize),
    /// A map entry by its string key: `.key`.
    Key(String),
}

/// A field path such as `parties[2].preferences.ceasefire`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }
    pub fn field(&self, name: &str) -> Self {
        self.with(Seg::Field(name.to_string()))
    }
    pub fn index(&self, i: usize) -> Self {
        self.with(Seg::Index(i))
    }
    pub fn key(&self, k: &str) -> Self {
        self.with(Seg::Key(k.to_string()))
    }
    fn with(&self, seg: Seg) -> Self {
        let mut v = self.0.clone();
        v.push(seg);
        FieldPath(v)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) | Seg::Key(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
enum Kind {
    Scalar,
    /// `Name(...)` or `(...)`: named fields and positional elements.
    Paren {
        name: Option<String>,
        fields: Vec<(String, Node)>,
        elems: Vec<Node>,
    },
    List(Vec<Node>),
    /// Entries: key (when it is a string or an identifier), the key's position, value.
    Map(Vec<(Option<String>, Pos, Node)>),
}

#[derive(Debug)]
struct Node {
    pos: Pos,
    kind: Kind,
}

/// A positional index of a RON document.
pub struct SourceMap {
    root: Option<Node>,
}

impl SourceMap {
    pub fn parse(src: &str) -> SourceMap {
        let tokens = tokenize(src);
        let mut p = Parser {
            toks: &tokens,
            i: 0,
            depth: 0,
        };
        let root = p.value();
        SourceMap { root }
    }

    /// The position of the value at `path`, or of the deepest enclosing value found.
    pub fn locate(&self, path: &FieldPath) -> Pos {
        self.find(path).0
    }

    /// Whether the value at `path` exists in the source.
    pub fn has(&self, path: &FieldPath) -> bool {
        self.find(path).1
    }

    /// The position found, and whether the whole path was followed.
    fn find(&self, path: &FieldPath) -> (Pos, bool) {
        let Some(mut node) = self.root.as_ref() else {
            return (Pos::START, false);
        };
        for seg in &path.0 {
            node = unwrap_some(node);
            let next = match (&node.kind, seg) {
                (Kind::Paren { fields, elems, .. }, Seg::Field(name)) => {
                    match fields.iter().find(|(k, _)| k == name) {
                        Some((_, v)) => Some(v),
                        // A newtype variant wrapping a struct: `When(OfferRejected(by: ..))`
                        // seen through.
                        None if fields.is_empty() && elems.len() == 1 => {
                            match &unwrap_some(&elems[0]).kind {
                                Kind::Paren { fields, .. } => {
                                    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v)
                                }
                                _ => None,
                            }
                        }
                        None => None,
                    }
                }
                (Kind::Paren { elems, .. }, Seg::Index(i)) => elems.get(*i),
                (Kind::List(items), Seg::Index(i)) => items.get(*i),
                (Kind::Map(entries), Seg::Key(k)) => entries
                    .iter()
                    .find(|(key, _, _)| key.as_deref() == Some(k.as_str()))
                    .map(|(_, _, v)| v),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return (node.pos, false),
            }
        }
        (node.pos, true)
    }
}

impl SourceMap {
    /// Every key written twice in one map: the map entry's path, where the second key is
    /// and where the first was. Serde keeps the last silently, so the loader reports these.
    /// The walk keeps its own stack: no recursion, whatever the nesting.
    pub fn duplicate_keys(&self) -> Vec<(FieldPath, Pos, Pos)> {
        /// A step of the walk: enter a node (reached through a segment), or leave one.
        enum Step<'n> {
            Enter(Option<Seg>, &'n Node),
            Leave,
        }
        let mut found = Vec::new();
        let mut trail: Vec<Seg> = Vec::new();
        let mut stack: Vec<Step> = Vec::new();
        if let Some(root) = &self.root {
            stack.push(Step::Enter(None, root));
        }
        while let Some(step) = stack.pop() {
            let (seg, node) = match step {
                Step::Leave => {
                    trail.pop();
                    continue;
                }
                Step::Enter(seg, node) => (seg, node),
            };
            if let Some(seg) = seg {
                trail.push(seg);
                stack.push(Step::Leave);
            }
            match &unwrap_some(node).kind {
                Kind::Scalar => {}
                Kind::Paren { fields, elems, .. } => {
                    for (name, v) in fields {
                        stack.push(Step::Enter(Some(Seg::Field(name.clone())), v));
                    }
                    for (i, v) in elems.iter().enumerate() {
                        stack.push(Step::Enter(Some(Seg::Index(i)), v));
                    }
                }
                Kind::List(items) => {
                    for (i, v) in items.iter().enumerate() {
                        stack.push(Step::Enter(Some(Seg::Index(i)), v));
                    }
                }
                Kind::Map(entries) => {
                    let mut first: std::collections::HashMap<&str, Pos> =
                        std::collections::HashMap::new();
                    for (key, at, v) in entries {
                        let Some(key) = key else { continue };
                        if let Some(&was) = first.get(key.as_str()) {
                            let mut path = FieldPath(trail.clone());
                            path.0.push(Seg::Key(key.clone()));
                            found.push((path, *at, was));
                        } else {
                            first.insert(key, *at);
                        }
                        stack.push(Step::Enter(Some(Seg::Key(key.clone())), v));
                    }
                }
            }
        }
        found.sort_by_key(|(_, at, _)| (at.line, at.col));
        found
    }
}

fn unwrap_some(node: &Node) -> &Node {
    if let Kind::Paren {
        name: Some(name),
        fields,
        elems,
    } = &node.kind
        && name == "Some"
        && fields.is_empty()
        && elems.len() == 1
    {
        return &elems[0];
    }
    node
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Comma,
    Colon,
    Ident(String),
    Str(String),
    Other,
}

fn tokenize(src: &str) -> Vec<(Tok, Pos)> {
    // Sized once (a char per byte at most, a token per two bytes at most: pages only
    // reserved are never touched), so that a large file is not copied as the vectors grow.
    let mut chars: Vec<char> = Vec::with_capacity(src.len());
    chars.extend(src.chars());
    let mut out = Vec::with_capacity(src.len() / 2 + 1);
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advance one character, keeping line and column.
    macro_rules! bump {
        () => {{
            if chars[i] == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
            i += 1;
        }};
    }
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        if c.is_whitespace() {
            bump!();
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                bump!();
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    bump!();
                    bump!();
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    bump!();
                    bump!();
                    if depth == 0 {
                        break;
                    }
                } else {
                    bump!();
                }
            }
        } else if c == '"' {
            bump!();
            let mut s = String::new();
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    bump!();
                }
                s.push(chars[i]);
                bump!();
            }
            if i < chars.len() {
                bump!();
            }
            out.push((Tok::Str(s), pos));
        } else if c == 'r'
            && matches!(chars.get(i + 1), Some('"') | Some('#'))
            && raw_string_hashes(&chars, i + 1).is_some()
        {
            let hashes = raw_string_hashes(&chars, i + 1).unwrap_or(0);
            for _ in 0..hashes + 2 {
                bump!();
            }
            let mut s = String::new();
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    for _ in 0..hashes + 1 {
                        bump!();
                    }
                    break;
                }
                s.push(chars[i]);
                bump!();
            }
            out.push((Tok::Str(s), pos));
        } else if c == '\'' {
            bump!();
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    bump!();
                }
                bump!();
            }
            if i < chars.len() {
                bump!();
            }
            out.push((Tok::Other, pos));
        } else if c == '#' {
            // `#![enable(...)]` attributes: skip to the closing bracket.
            while i < chars.len() && chars[i] != ']' {
                bump!();
            }
            if i < chars.len() {
                bump!();
            }
        } else if matches!(c, '(' | '[' | '{') {
            bump!();
            out.push((Tok::Open(c), pos));
        } else if matches!(c, ')' | ']' | '}') {
            bump!();
            out.push((Tok::Close(c), pos));
        } else if c == ',' {
            bump!();
            out.push((Tok::Comma, pos));
        } else if c == ':' {
            bump!();
            out.push((Tok::Colon, pos));
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            if c == 'r' && chars.get(i + 1) == Some(&'#') {
                bump!();
                bump!();
            }
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                bump!();
            }
            if s.is_empty() {
                out.push((Tok::Other, pos));
            } else {
                out.push((Tok::Ident(s), pos));
            }
        } else {
            // Numbers, signs and anything else: one opaque token per run.
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(
                    chars[i],
                    '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | '"'
                )
            {
                bump!();
            }
            out.push((Tok::Other, pos));
        }
    }
    out
}

/// For `r###"`, the number of `#` (here 3) when `chars[at..]` starts a raw string.
fn raw_string_hashes(chars: &[char], at: usize) -> Option<usize> {
    let mut n = 0;
    while chars.get(at + n) == Some(&'#') {
        n += 1;
    }
    (chars.get(at + n) == Some(&'"')).then_some(n)
}

struct Parser<'a> {
    toks: &'a [(Tok, Pos)],
    i: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(t, _)| t)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.i + k).map(|(t, _)| t)
    }
    fn pos(&self) -> Pos {
        self.toks.get(self.i).map(|(_, p)| *p).unwrap_or(Pos::START)
    }

    fn value(&mut self) -> Option<Node> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let node = self.value_inner();
        self.depth -= 1;
        node
    }

    fn value_inner(&mut self) -> Option<Node> {
        let pos = self.pos();
        match self.peek()?.clone() {
            Tok::Open('(') => {
                self.i += 1;
                Some(self.paren(None, pos))
            }
            Tok::Open('[') => {
                self.i += 1;
                let mut items = Vec::new();
                while !matches!(self.peek(), None | Some(Tok::Close(_))) {
                    match self.value() {
                        Some(v) => items.push(v),
                        None => self.i += 1,
                    }
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
                self.i += 1;
                Some(Node {
                    pos,
                    kind: Kind::List(items),
                })
            }
            Tok::Open(_) => {
                self.i += 1;
                let mut entries = Vec::new();
                while !matches!(self.peek(), None | Some(Tok::Close(_))) {
                    let key = match self.peek() {
                        Some(Tok::Str(s)) => Some(s.clone()),
                        Some(Tok::Ident(s)) => Some(s.clone()),
                        _ => None,
                    };
                    let Some(key_node) = self.value() else {
                        self.i += 1;
                        continue;
                    };
                    if self.peek() == Some(&Tok::Colon) {
                        self.i += 1;
                    }
                    if let Some(v) = self.value() {
                        entries.push((key, key_node.pos, v));
                    }
                    if self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                    }
                }
                self.i += 1;
                Some(Node {
                    pos,
                    kind: Kind::Map(entries),
                })
            }
            Tok::Ident(name) => {
                self.i += 1;
                if self.peek() == Some(&Tok::Open('(')) {
                    self.i += 1;
                    Some(self.paren(Some(name), pos))
                } else {
                    Some(Node {
                        pos,
                        kind: Kind::Scalar,
                    })
                }
            }
            Tok::Str(_) | Tok::Other => {
                self.i += 1;
                Some(Node {
                    pos,
                    kind: Kind::Scalar,
                })
            }
            Tok::Close(_) | Tok::Comma | Tok::Colon => None,
        }
    }

    /// After an opening `(`: named fields `name: value` and positional values.
    fn paren(&mut self, name: Option<String>, pos: Pos) -> Node {
        let mut fields = Vec::new();
        let mut elems = Vec::new();
        while !matches!(self.peek(), None | Some(Tok::Close(_))) {
            if let (Some(Tok::Ident(field)), Some(Tok::Colon)) = (self.peek(), self.peek_at(1)) {
                let field = field.clone();
                self.i += 2;
                if let Some(v) = self.value() {
                    fields.push((field, v));
                }
            } else {
                match self.value() {
                    Some(v) => elems.push(v),
                    None => self.i += 1,
                }
            }
            if self.peek() == Some(&Tok::Comma) {
                self.i += 1;
            }
        }
        self.i += 1;
        Node {
            pos,
            kind: Kind::Paren {
                name,
                fields,
                elems,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r##"// a comment
Scenario(
    format_version: 1,
    parties: [
        (id: "a", prefs: {"x": (weight: 3.0)}),
        ( id: "b", note: Some("n"), when: When(Round(3)) ),
    ],
    /* block /* nested */ comment */
    s: r#"raw"#,
)"##;

    #[test]
    fn locates_nested_fields_keys_and_indices() {
        let map = SourceMap::parse(SRC);
        let p = FieldPath::root();
        assert_eq!(
            map.locate(&p.field("format_version")),
            Pos { line: 3, col: 21 }
        );
        assert_eq!(
            map.locate(&p.field("parties").index(1)),
            Pos { line: 6, col: 9 }
        );
        assert_eq!(
            map.locate(
                &p.field("parties")
                    .index(0)
                    .field("prefs")
                    .key("x")
                    .field("weight")
            ),
            Pos { line: 5, col: 41 }
        );
        assert_eq!(
            map.locate(&p.field("parties").index(1).field("note")),
            Pos { line: 6, col: 26 }
        );
        // Not found: the deepest enclosing value.
        assert_eq!(
            map.locate(&p.field("parties").index(1).field("missing")),
            Pos { line: 6, col: 9 }
        );
        assert_eq!(map.locate(&p.field("s")), Pos { line: 9, col: 8 });
    }

    #[test]
    fn path_display() {
        let p = FieldPath::root()
            .field("parties")
            .index(2)
            .field("preferences")
            .key("ceasefire");
        assert_eq!(p.to_string(), "parties[2].preferences.ceasefire");
    }

    #[test]
    fn never_panics_on_garbage() {
        for src in [
            "", "(", ")", "[[[", "{:}", "r#", "\"", "'", "/*", "a(b:", "#![",
        ] {
            let map = SourceMap::parse(src);
            map.locate(&FieldPath::root().field("x").index(3));
        }
    }
}
