//! The bytes of the search index files: unsigned LEB128 varints and length-prefixed UTF-8
//! strings, written and read by hand. A serde format (postcard) compiled the derive code of
//! every search type into the WebAssembly; these few functions are all the reader needs
//! (docs/search.md gives the layout of each file).

use super::model::FormatError;

/// Appends `v` as an unsigned LEB128 varint.
pub fn push_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a string: its length in bytes, then the bytes.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    push_varint(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn truncated() -> FormatError {
    FormatError("search index: truncated or corrupt file".into())
}

/// Reads what [`push_varint`] and [`push_str`] write; any read past the end, overlong varint
/// or invalid UTF-8 is a [`FormatError`].
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    pub fn byte(&mut self) -> Result<u8, FormatError> {
        let (&b, rest) = self.bytes.split_first().ok_or_else(truncated)?;
        self.bytes = rest;
        Ok(b)
    }

    pub fn varint(&mut self) -> Result<u32, FormatError> {
        let mut v = 0u32;
        for shift in [0, 7, 14, 21, 28] {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u32) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(truncated())
    }

    /// A count of items, each at least one byte long: a count the rest of the file cannot
    /// hold is refused before anything is allocated for it.
    pub fn count(&mut self) -> Result<usize, FormatError> {
        let n = self.varint()? as usize;
        if n > self.bytes.len() {
            return Err(truncated());
        }
        Ok(n)
    }

    pub fn str(&mut self) -> Result<&'a str, FormatError> {
        let n = self.count()?;
        let (s, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        std::str::from_utf8(s).map_err(|_| truncated())
    }

    pub fn string(&mut self) -> Result<String, FormatError> {
        self.str().map(str::to_string)
    }

    /// A list of strings, its length first.
    pub fn strings(&mut self) -> Result<Vec<String>, FormatError> {
        let mut out = Vec::new();
        for _ in 0..self.count()? {
            out.push(self.string()?);
        }
        Ok(out)
    }

    pub fn f32(&mut self) -> Result<f32, FormatError> {
        let mut b = [0u8; 4];
        for x in &mut b {
            *x = self.byte()?;
        }
        Ok(f32::from_le_bytes(b))
    }

    /// The file must end here.
    pub fn end(&self) -> Result<(), FormatError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(truncated())
        }
    }
}
