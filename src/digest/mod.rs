//! `Sha256Digest`: the digest type of the whole tool (manifest, Hub LFS digests, signatures).

pub mod hash;

use std::fmt;
use std::str::FromStr;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Digest(pub [u8; 32]);

/// Why a digest string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    /// Not 64 characters long.
    #[error("a SHA-256 digest has 64 hexadecimal characters, this one has {0}")]
    Length(usize),
    /// A character that is not hexadecimal.
    #[error("`{0}` is not a hexadecimal digit")]
    NotHex(char),
}

impl FromStr for Sha256Digest {
    type Err = DigestError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let length = text.chars().count();
        if length != 64 {
            return Err(DigestError::Length(length));
        }
        let mut bytes = [0u8; 32];
        let digits: Vec<u8> = text
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8).ok_or(DigestError::NotHex(c)))
            .collect::<Result<_, _>>()?;
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = pair[0] << 4 | pair[1];
        }
        Ok(Self(bytes))
    }
}

impl fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({self})")
    }
}

impl serde::Serialize for Sha256Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for Sha256Digest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Sha256Digest".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9a-fA-F]{64}$",
            "description": "A SHA-256 digest as 64 hexadecimal characters."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_lowercase() {
        let text = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
        let digest: Sha256Digest = text.parse().unwrap();
        assert_eq!(digest.to_string(), text.to_ascii_lowercase());
        assert_eq!("abc".parse::<Sha256Digest>(), Err(DigestError::Length(3)));
        let bad = format!("{}g", &text[..63]);
        assert_eq!(bad.parse::<Sha256Digest>(), Err(DigestError::NotHex('g')));
        // multi-byte characters are counted as characters, never sliced
        assert_eq!(
            "é".repeat(64).parse::<Sha256Digest>(),
            Err(DigestError::NotHex('é'))
        );
    }
}
