//! Random tokens and HMAC-signed share-link tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;

/// `n` bytes from the operating system's CSPRNG, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut b = vec![0u8; n];
    OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A random 64-bit identifier as 16 hex digits.
pub fn random_id() -> String {
    format!("{:016x}", OsRng.next_u64())
}

/// Signs and verifies share-link tokens: `<id>.<expires_ms>.<base64url HMAC-SHA256>`. The
/// signature lets a tampered or made-up token be refused without touching the store; the
/// store still decides revocation.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(***)")
    }
}

impl Signer {
    /// A signer with a secret key.
    pub fn new(key: &[u8]) -> Signer {
        Signer { key: key.to_vec() }
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        m.update(b"signalroom-share-v1:");
        m.update(payload.as_bytes());
        m
    }

    /// The token for link `id` expiring at `expires_ms`.
    pub fn sign_share(&self, id: &str, expires_ms: i64) -> String {
        let payload = format!("{id}.{expires_ms}");
        let sig = URL_SAFE_NO_PAD.encode(self.mac(&payload).finalize().into_bytes());
        format!("{payload}.{sig}")
    }

    /// The link id and expiry of a genuine token (expired or not: the caller decides).
    pub fn verify_share(&self, token: &str) -> Option<(String, i64)> {
        if token.len() > 200 {
            return None;
        }
        let (payload, sig) = token.rsplit_once('.')?;
        let (id, exp) = payload.split_once('.')?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let exp: i64 = exp.parse().ok()?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        // Constant-time comparison.
        self.mac(payload).verify_slice(&sig).ok()?;
        Some((id.to_string(), exp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_any_change_breaks_it() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        let t = s.sign_share("00ff00ff00ff00ff", 1_800_000_000_000);
        assert_eq!(
            s.verify_share(&t),
            Some(("00ff00ff00ff00ff".into(), 1_800_000_000_000))
        );
        let later = t.replace("1800000000000", "1900000000000");
        assert_eq!(s.verify_share(&later), None);
        let other_id = t.replacen("00ff", "11ff", 1);
        assert_eq!(s.verify_share(&other_id), None);
        let mut flipped = t.clone();
        let last = flipped.pop().unwrap();
        flipped.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(s.verify_share(&flipped), None);
        assert_eq!(Signer::new(b"another key").verify_share(&t), None);
        for junk in ["", ".", "a.b.c", "zz.1.x", &"a".repeat(500)] {
            assert_eq!(s.verify_share(junk), None);
        }
    }

    #[test]
    fn tokens_are_random_and_url_safe() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(random_id().len(), 16);
    }
}
