//! A small parser for WKT CRS definitions (WKT1 OGC and ESRI flavours, WKT2): enough to find
//! the top-level name and authority code.

/// One `KEYWORD[...]` node of a WKT text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// Keyword, uppercase as written (`PROJCS`, `GEOGCRS`, ...).
    pub keyword: String,
    /// Quoted strings and bare numbers or words, in order.
    pub values: Vec<String>,
    /// Nested nodes, in order.
    pub children: Vec<Node>,
}

impl Node {
    /// First quoted value, the object's name.
    pub fn name(&self) -> Option<&str> {
        self.values.first().map(String::as_str)
    }

    /// EPSG code declared by this node itself (`AUTHORITY["EPSG","2154"]` or `ID["EPSG",2154]`).
    pub fn epsg_code(&self) -> Option<u32> {
        self.children
            .iter()
            .filter(|child| {
                child.keyword.eq_ignore_ascii_case("AUTHORITY")
                    || child.keyword.eq_ignore_ascii_case("ID")
            })
            .find(|child| {
                child
                    .values
                    .first()
                    .is_some_and(|org| org.eq_ignore_ascii_case("EPSG"))
            })
            .and_then(|child| child.values.get(1))
            .and_then(|code| code.trim().parse().ok())
    }
}

/// Parses a WKT text into its top-level node; `None` when it is not WKT.
pub(crate) fn parse(text: &str) -> Option<Node> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    parser.node()
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.bytes.len()
            && !matches!(
                self.bytes[self.pos],
                b'[' | b']' | b'(' | b')' | b',' | b'"'
            )
        {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.bytes[start..self.pos])
            .trim()
            .to_string()
    }

    fn node(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        self.skip_space();
        let keyword = self.word();
        if keyword.is_empty()
            || !keyword
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return None;
        }
        self.skip_space();
        if !matches!(self.bytes.get(self.pos), Some(b'[') | Some(b'(')) {
            return None;
        }
        self.pos += 1;
        let mut node = Node {
            keyword,
            values: Vec::new(),
            children: Vec::new(),
        };
        loop {
            self.skip_space();
            match self.bytes.get(self.pos)? {
                b']' | b')' => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Some(node);
                }
                b',' => self.pos += 1,
                b'"' => {
                    self.pos += 1;
                    let start = self.pos;
                    while *self.bytes.get(self.pos)? != b'"' {
                        self.pos += 1;
                    }
                    node.values
                        .push(String::from_utf8_lossy(&self.bytes[start..self.pos]).to_string());
                    self.pos += 1;
                }
                _ => {
                    let start = self.pos;
                    let word = self.word();
                    self.skip_space();
                    if matches!(self.bytes.get(self.pos), Some(b'[') | Some(b'(')) {
                        self.pos = start;
                        node.children.push(self.node()?);
                    } else if word.is_empty() {
                        return None;
                    } else {
                        node.values.push(word);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_authority_is_found() {
        let node = parse(r#"PROJCS["RGF93 / Lambert-93",GEOGCS["RGF93",AUTHORITY["EPSG","4171"]],PARAMETER["false_easting",700000],AUTHORITY["EPSG","2154"]]"#).unwrap();
        assert_eq!(node.name(), Some("RGF93 / Lambert-93"));
        assert_eq!(node.epsg_code(), Some(2154));
    }

    #[test]
    fn an_esri_definition_has_a_name_and_no_code() {
        let node = parse(r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]]],PROJECTION["Lambert_Conformal_Conic"]]"#).unwrap();
        assert_eq!(node.name(), Some("RGF_1993_Lambert_93"));
        assert_eq!(node.epsg_code(), None);
    }

    #[test]
    fn garbage_is_not_wkt() {
        assert!(parse("hello world").is_none());
        assert!(parse("PROJCS[\"unterminated").is_none());
    }
}
