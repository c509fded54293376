//! Passwords: argon2id hashes (the crate's defaults, OWASP's recommended parameters), the policy a
//! chosen password must meet, and generated passwords for new accounts and resets.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 200;

/// A stored password hash (PHC string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed(pub(crate) String);

#[derive(Debug, thiserror::Error)]
#[error("lösenordet kunde inte hashas: {0}")]
pub struct HashError(String);

pub fn hash(password: &str) -> Result<Hashed, HashError> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| Hashed(h.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

/// True if `password` matches the stored hash. An unreadable hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real check, for logins to unknown accounts: the answer time must not
/// tell which user names exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY.get_or_init(|| hash("ratify-dummy-password").map(|h| h.0).unwrap_or_default());
    let _ = verify(password, stored);
}

/// The policy for a password a person chooses: long enough, not absurdly long, not the user name.
/// The message is Swedish and ready to show beside the field.
pub fn check_policy(password: &str, username: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!("Lösenordet måste ha minst {MIN_CHARS} tecken (nu {chars})."));
    }
    if chars > MAX_CHARS {
        return Err(format!("Lösenordet får ha högst {MAX_CHARS} tecken."));
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err("Lösenordet får inte vara detsamma som användarnamnet.".into());
    }
    Ok(())
}

/// A random password of 20 letters and digits in groups of five (about 100 bits), without
/// characters that are easy to confuse (0/O, 1/l/I).
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("korrekt häst batteri").unwrap();
        assert!(h.0.starts_with("$argon2id$"), "{}", h.0);
        assert!(verify("korrekt häst batteri", &h.0));
        assert!(!verify("korrekt häst batteri ", &h.0));
        assert!(!verify("x", "not a hash"));
        assert_ne!(hash("samma").unwrap(), hash("samma").unwrap(), "salted");
    }

    #[test]
    fn policy_and_generated_passwords() {
        assert!(check_policy("kort", "anna").unwrap_err().contains("minst 12"));
        assert!(check_policy("annaannaanna", "AnnaAnnaAnna").is_err());
        assert!(check_policy(&"x".repeat(201), "anna").is_err());
        assert!(check_policy("tolv tecken!", "anna").is_ok());
        let p = generate();
        assert_eq!(p.len(), 23);
        assert!(check_policy(&p, "anna").is_ok());
        assert_ne!(generate(), p);
    }
}
