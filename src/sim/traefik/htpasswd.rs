//! The credentials of Traefik's basicauth middleware: `user:hash` lines as `htpasswd` writes them.
//!
//! Real Traefik (`pkg/middlewares/auth/basic_auth.go`, through `abbot/go-http-auth`) accepts
//! Apache's MD5 (`$apr1$salt$hash`, what `htpasswd -nb` and `openssl passwd -apr1` write), SHA1
//! (`{SHA}…`) and bcrypt (`$2y$…`) hashes; a request without a matching `Authorization: Basic`
//! header gets `401 Unauthorized` with `WWW-Authenticate: Basic realm="traefik"`. In a compose
//! file every `$` of a hash must be written `$$`: a single `$apr1` is interpolated by Compose
//! (an unset variable becomes empty), so the hash Traefik receives matches no password.
//!
//! Here: apr1 is computed exactly (the `md-5` crate gives MD5); SHA1 and bcrypt hashes are not
//! modelled and never match (the narration can say so). A leaf.

use md5::{Digest, Md5};

const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Apache's `$apr1$` hash of `password` with `salt` (at most 8 characters are used).
pub fn apr1(password: &str, salt: &str) -> String {
    let pw = password.as_bytes();
    let salt: String = salt
        .split('$')
        .next()
        .unwrap_or("")
        .chars()
        .take(8)
        .collect();
    let salt_b = salt.as_bytes();
    let magic = b"$apr1$";
    let mut alt = Md5::new();
    alt.update(pw);
    alt.update(salt_b);
    alt.update(pw);
    let alt = alt.finalize();
    let mut ctx = Md5::new();
    ctx.update(pw);
    ctx.update(magic);
    ctx.update(salt_b);
    let mut left = pw.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(&alt[..n]);
        left -= n;
    }
    let mut i = pw.len();
    while i > 0 {
        if i & 1 != 0 {
            ctx.update([0u8]);
        } else {
            ctx.update(&pw[..1]);
        }
        i >>= 1;
    }
    let mut fin = ctx.finalize();
    for round in 0..1000 {
        let mut c = Md5::new();
        if round & 1 != 0 {
            c.update(pw);
        } else {
            c.update(fin);
        }
        if round % 3 != 0 {
            c.update(salt_b);
        }
        if round % 7 != 0 {
            c.update(pw);
        }
        if round & 1 != 0 {
            c.update(fin);
        } else {
            c.update(pw);
        }
        fin = c.finalize();
    }
    let mut out = format!("$apr1${salt}$");
    let mut to64 = |mut v: u32, n: usize| {
        for _ in 0..n {
            out.push(ITOA64[(v & 0x3f) as usize] as char);
            v >>= 6;
        }
    };
    let f = |i: usize| u32::from(fin[i]);
    to64((f(0) << 16) | (f(6) << 8) | f(12), 4);
    to64((f(1) << 16) | (f(7) << 8) | f(13), 4);
    to64((f(2) << 16) | (f(8) << 8) | f(14), 4);
    to64((f(3) << 16) | (f(9) << 8) | f(15), 4);
    to64((f(4) << 16) | (f(10) << 8) | f(5), 4);
    to64(f(11), 2);
    out
}

/// Whether `password` matches an htpasswd hash.
pub fn verify(password: &str, hash: &str) -> bool {
    match hash.strip_prefix("$apr1$") {
        Some(rest) => {
            let salt = rest.split('$').next().unwrap_or("");
            apr1(password, salt) == hash
        }
        None => false,
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn b64_encode(data: &[u8]) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 decoded; `None` for a character outside the alphabet.
pub fn b64_decode(encoded: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in encoded.trim().bytes() {
        if c == b'=' {
            break;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'\n' | b'\r' => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(bytes)
}

/// The `user:password` of an `Authorization: Basic …` value.
pub fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let text = String::from_utf8(b64_decode(encoded)?).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// `user:password` as curl's `-u` sends it.
pub fn encode_basic(user_password: &str) -> String {
    b64_encode(user_password.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openssl passwd -apr1 -salt H6uskkkW test`, the hash of Traefik's basicauth docs.
    #[test]
    fn apr1_matches_openssl_and_the_traefik_docs_example() {
        assert_eq!(
            apr1("test", "H6uskkkW"),
            "$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"
        );
        assert!(verify("test", "$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"));
        assert!(!verify("wrong", "$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/"));
        // Compose ate `$apr1` and `$H6uskkkW`: what is left matches nothing.
        assert!(!verify("test", "$IgXLP6ewTrSuBkTrqE8wj/"));
    }

    #[test]
    fn basic_credentials_round_trip() {
        assert_eq!(encode_basic("test:test"), "dGVzdDp0ZXN0");
        assert_eq!(
            decode_basic("dGVzdDp0ZXN0"),
            Some(("test".into(), "test".into()))
        );
        assert_eq!(encode_basic("a:bc"), "YTpiYw==");
        assert_eq!(decode_basic("YTpiYw=="), Some(("a".into(), "bc".into())));
    }
}
