//! dBASE attribute tables of Shapefiles, decoded with the encoding named by the `.cpg` file
//! (UTF-8 or LATIN-1/Windows-1252; without `.cpg`, UTF-8 when valid, LATIN-1 otherwise).

use crate::feature::{SourceField, Value};
use crate::schema::FieldKind;
use encoding_rs::Encoding;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

struct Column {
    kind: FieldKind,
    code: u8,
    offset: usize,
    len: usize,
}

/// A dBASE file opened for streaming its records.
pub(crate) struct Dbf {
    reader: BufReader<File>,
    columns: Vec<Column>,
    record: Vec<u8>,
    remaining: u32,
    encoding: Option<&'static Encoding>,
    /// Fields in declaration order.
    pub fields: Vec<SourceField>,
    /// Number of records announced by the header.
    pub count: u32,
    /// Encoding named by the language driver byte of the header, when it names one.
    pub code_page: Option<&'static Encoding>,
}

/// One record of the table.
pub(crate) enum Record {
    /// A live record's values.
    Values(Vec<Value>),
    /// A record marked as deleted, which GIS software leaves out.
    Deleted,
}

/// The encoding of a dBASE language driver id (byte 29 of the header).
fn code_page(ldid: u8) -> Option<&'static Encoding> {
    Some(match ldid {
        0x03 | 0x57 | 0x58 | 0x59 => encoding_rs::WINDOWS_1252,
        0x26 | 0x65 => encoding_rs::IBM866,
        0xC8 | 0x64 => encoding_rs::WINDOWS_1250,
        0xC9 => encoding_rs::WINDOWS_1251,
        0xCA => encoding_rs::WINDOWS_1254,
        0xCB => encoding_rs::WINDOWS_1253,
        0x7D => encoding_rs::WINDOWS_1255,
        0x7E => encoding_rs::WINDOWS_1256,
        0x13 | 0x7B => encoding_rs::SHIFT_JIS,
        0x4D | 0x7A => encoding_rs::GBK,
        0x4E | 0x79 => encoding_rs::EUC_KR,
        0x4F | 0x78 => encoding_rs::BIG5,
        0x50 | 0x7C => encoding_rs::WINDOWS_874,
        _ => return None,
    })
}

/// The encoding named by a `.cpg` file; `None` means "UTF-8 when valid, else LATIN-1".
pub(crate) fn encoding_from_cpg(cpg: &str) -> Option<&'static Encoding> {
    let label = cpg.trim().to_ascii_uppercase();
    match label.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(encoding_rs::UTF_8),
        "ISO-8859-1" | "ISO88591" | "8859_1" | "LATIN1" | "LATIN-1" | "1252" | "CP1252"
        | "WINDOWS-1252" | "ANSI 1252" => Some(encoding_rs::WINDOWS_1252),
        other => Encoding::for_label(other.as_bytes()),
    }
}

fn decode(bytes: &[u8], encoding: Option<&'static Encoding>) -> String {
    match encoding {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        },
    }
}

impl Dbf {
    /// Reads the header and field descriptors.
    pub fn open(path: &Path, encoding: Option<&'static Encoding>) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut header = [0u8; 32];
        reader
            .read_exact(&mut header)
            .map_err(|_| "the .dbf file is truncated in its header".to_string())?;
        let count = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        let code_page = code_page(header[29]);
        let encoding = encoding.or(code_page);
        let header_len = usize::from(u16::from_le_bytes([header[8], header[9]]));
        let record_len = usize::from(u16::from_le_bytes([header[10], header[11]]));
        if header_len < 33 || record_len == 0 {
            return Err("the .dbf header is invalid".to_string());
        }
        let mut descriptors = vec![0u8; header_len - 32];
        reader
            .read_exact(&mut descriptors)
            .map_err(|_| "the .dbf file is truncated in its field list".to_string())?;
        let mut columns = Vec::new();
        let mut fields = Vec::new();
        let mut offset = 1;
        for descriptor in descriptors.chunks_exact(32) {
            if descriptor[0] == 0x0d {
                break;
            }
            let name_end = descriptor[..11].iter().position(|b| *b == 0).unwrap_or(11);
            let name = decode(&descriptor[..name_end], encoding).trim().to_string();
            let code = descriptor[11].to_ascii_uppercase();
            let len = usize::from(descriptor[16]);
            let decimals = descriptor[17];
            let kind = match code {
                b'N' if decimals == 0 && len < 19 => FieldKind::Integer,
                b'N' | b'F' | b'O' => FieldKind::Float,
                b'I' | b'+' => FieldKind::Integer,
                b'L' => FieldKind::Boolean,
                b'D' => FieldKind::Date,
                _ => FieldKind::String,
            };
            if offset + len > record_len {
                return Err(format!(
                    "field `{name}` of the .dbf goes past the record length"
                ));
            }
            columns.push(Column {
                kind,
                code,
                offset,
                len,
            });
            fields.push(SourceField { name, kind });
            offset += len;
        }
        Ok(Dbf {
            reader,
            columns,
            record: vec![0u8; record_len],
            remaining: count,
            encoding,
            fields,
            count,
            code_page,
        })
    }

    /// Reads the next record; `None` after the last one or at the end-of-file marker.
    pub fn next_record(&mut self) -> Result<Option<Record>, String> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        match self.reader.read_exact(&mut self.record) {
            Ok(()) => {}
            Err(_) => return Err("the .dbf file is truncated".to_string()),
        }
        if self.record[0] == 0x1a {
            return Ok(None);
        }
        if self.record[0] == b'*' {
            return Ok(Some(Record::Deleted));
        }
        let values = self.columns.iter().map(|c| self.value(c)).collect();
        Ok(Some(Record::Values(values)))
    }

    fn value(&self, column: &Column) -> Value {
        let raw = &self.record[column.offset..column.offset + column.len];
        if column.code == b'I' && raw.len() == 4 {
            return Value::Integer(i64::from(i32::from_le_bytes([
                raw[0], raw[1], raw[2], raw[3],
            ])));
        }
        let text = decode(raw, self.encoding);
        let trimmed = text.trim_matches(|c: char| c == ' ' || c == '\0');
        if trimmed.is_empty() {
            return Value::Null;
        }
        match column.kind {
            FieldKind::String | FieldKind::Mixed => {
                Value::String(text.trim_end_matches([' ', '\0']).to_string())
            }
            FieldKind::Integer => trimmed
                .parse()
                .map(Value::Integer)
                .or_else(|_| trimmed.parse::<f64>().map(Value::Float))
                .unwrap_or(Value::Null),
            FieldKind::Float => trimmed.parse().map(Value::Float).unwrap_or(Value::Null),
            FieldKind::Boolean => match trimmed.chars().next() {
                Some('T' | 't' | 'Y' | 'y') => Value::Boolean(true),
                Some('F' | 'f' | 'N' | 'n') => Value::Boolean(false),
                _ => Value::Null,
            },
            FieldKind::Date => {
                if trimmed.len() == 8 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
                    Value::Date(format!(
                        "{}-{}-{}",
                        &trimmed[0..4],
                        &trimmed[4..6],
                        &trimmed[6..8]
                    ))
                } else {
                    Value::Null
                }
            }
        }
    }
}
