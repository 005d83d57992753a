//! Carrying a file or a scenario in a link: compressed into the URL fragment.
//!
//! Real life: playgrounds (the TypeScript and Rust playgrounds, mermaid.live) put the reader's
//! text in the URL, compressed, so a link is the whole thing and no server keeps a copy. The part
//! after `#` is never sent to the server, so nothing is uploaded anywhere.
//!
//! What we do: raw DEFLATE (miniz_oxide, the Rust implementation flate2 uses) then base64url
//! without padding, so the text survives chat clients and Markdown. Decoding refuses anything
//! that is not such a code and stops inflating at a size cap (a small link cannot grow into a
//! huge text). Simplified: base64url is written here (thirty lines, tested by round trip) rather
//! than pulled in as a crate, to keep the WebAssembly small.

use super::Upload;

/// The longest code a link carries, in characters. Browsers accept far longer URLs, but chat
/// clients, Markdown renderers and note tools cut or refuse them well before; past this the page
/// offers a download instead.
pub const MAX_LINK_CHARS: usize = 16_000;

/// The most bytes a code may inflate to.
pub const MAX_TEXT_BYTES: usize = 256 * 1024;

/// Why a code cannot be read, in a sentence for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    TooLong { chars: usize },
    NotACode,
    TooBig,
    NotUtf8,
    Invalid(String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::TooLong { chars } => write!(
                f,
                "this is {chars} characters compressed, too long for a link (the limit is {MAX_LINK_CHARS}): download the file instead"
            ),
            LinkError::NotACode => write!(
                f,
                "the link's fragment is not a Dockyard code (it may have been cut)"
            ),
            LinkError::TooBig => write!(
                f,
                "the link's content is larger than {MAX_TEXT_BYTES} bytes"
            ),
            LinkError::NotUtf8 => write!(f, "the link's content is not text"),
            LinkError::Invalid(why) => write!(f, "the link's content is not valid: {why}"),
        }
    }
}

/// Compresses a text into a code for a link's fragment. Fails when the code is too long to share.
pub fn pack(text: &str) -> Result<String, LinkError> {
    // Level 9: the code is made once per click, and every character saved is one less to share.
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    let code = base64url_encode(&deflated);
    if code.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong { chars: code.len() });
    }
    Ok(code)
}

/// The text a code carries.
pub fn unpack(code: &str) -> Result<String, LinkError> {
    if code.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong { chars: code.len() });
    }
    let bytes = base64url_decode(code.trim()).ok_or(LinkError::NotACode)?;
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_TEXT_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooBig,
            _ => LinkError::NotACode,
        })?;
    String::from_utf8(inflated).map_err(|_| LinkError::NotUtf8)
}

/// An upload as a code: its JSON, compressed.
pub fn pack_upload(upload: &Upload) -> Result<String, LinkError> {
    // Serialising plain strings and numbers cannot fail.
    let json = serde_json::to_string(upload).unwrap_or_default();
    pack(&json)
}

/// The upload a code carries, checked as a paste is.
pub fn unpack_upload(code: &str) -> Result<Upload, LinkError> {
    let json = unpack(code)?;
    let upload: Upload =
        serde_json::from_str(&json).map_err(|e| LinkError::Invalid(e.to_string()))?;
    let upload = Upload {
        target: upload.target.clamped(),
        ..upload
    };
    upload.validate().map_err(LinkError::Invalid)?;
    Ok(upload)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // One input byte gives two characters, two give three, three give four.
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn base64url_decode(code: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(code.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in code.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A length of 4k+1 characters cannot come from whole bytes.
    (code.len() % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::yourfile::{Target, UploadFile};

    #[test]
    fn base64url_round_trips_every_length() {
        let data: Vec<u8> = (0..=255u8).collect();
        for n in 0..data.len() {
            let code = base64url_encode(&data[..n]);
            assert!(!code.contains('=') && !code.contains('+') && !code.contains('/'));
            assert_eq!(base64url_decode(&code).as_deref(), Some(&data[..n]));
        }
        assert_eq!(base64url_encode(b"Man"), "TWFu");
        assert_eq!(base64url_encode(b"Ma"), "TWE");
        assert_eq!(base64url_decode("TWE!"), None);
        assert_eq!(base64url_decode("TWFuT"), None);
    }

    #[test]
    fn an_upload_travels_in_a_link() {
        let upload = Upload {
            target: Target::Swarm {
                managers: 3,
                workers: 2,
            },
            files: vec![
                UploadFile {
                    path: "docker-stack.yml".into(),
                    text: "services:\n  web:\n    image: nginx:1.27\n".into(),
                },
                UploadFile {
                    path: ".env".into(),
                    text: "TAG=1.27\n".into(),
                },
            ],
        };
        let code = pack_upload(&upload).unwrap();
        assert!(code.len() < 200, "{code}");
        assert_eq!(unpack_upload(&code).unwrap(), upload);
    }

    #[test]
    fn a_bad_or_oversized_code_is_refused_in_words() {
        assert_eq!(unpack("not a code!"), Err(LinkError::NotACode));
        assert_eq!(unpack("AAAA"), Err(LinkError::NotACode));
        // A megabyte of zeros deflates to about a kilobyte: a small link that would grow huge.
        let bomb = base64url_encode(&miniz_oxide::deflate::compress_to_vec(
            &vec![0u8; 1 << 20],
            9,
        ));
        assert!(bomb.len() < MAX_LINK_CHARS);
        assert_eq!(unpack(&bomb), Err(LinkError::TooBig));
        // Letters from an xorshift generator: text that does not compress below the limit.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let pseudo_random: String = (0..40_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect();
        let err = pack(&pseudo_random).unwrap_err();
        assert!(err.to_string().contains("too long for a link"), "{err}");
        let traversal =
            pack(r#"{"target":{"on":"host"},"files":[{"path":"../x","text":"a"}]}"#).unwrap();
        assert!(matches!(
            unpack_upload(&traversal),
            Err(LinkError::Invalid(_))
        ));
        let nodes = pack(r#"{"target":{"on":"swarm","managers":9,"workers":999},"files":[{"path":"compose.yaml","text":"services: {}"}]}"#).unwrap();
        assert_eq!(
            unpack_upload(&nodes).unwrap().target,
            Target::Swarm {
                managers: 3,
                workers: 9
            }
        );
    }
}
