//! Argon2 hashing and verification into memory the calling thread keeps between hashes.
//!
//! The argon2 crate allocates a hash's whole working set (the memory parameter: 19 MiB at
//! tessera's defaults, 64 MiB at PlantDB's) for every hash and frees it after. Under a login
//! flood that is tens of megabytes allocated and freed many times a second on each hashing
//! thread; what the allocator keeps of them afterwards is what the server's resident memory
//! grows by. Here each hashing thread allocates its blocks once, at the configured memory
//! parameter, and reuses them: the working set is `memory × hashing threads`, resident for
//! good, and nothing is allocated per hash. A hash needing more than a thread keeps (a stored
//! hash made with a larger memory parameter, verified once before it is upgraded) gets memory
//! of its own, freed right after.

use std::cell::RefCell;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

thread_local! {
    /// The blocks this thread keeps between hashes; empty on threads that keep none.
    static KEPT: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// How many blocks a thread keeps between hashes: `None` = none, every hash allocates its own.
pub type Keep = Option<usize>;

/// Runs `work` on `count` blocks: a prefix of the thread's kept blocks (allocated at `keep`
/// blocks on first use) when they are enough, else on blocks of its own, freed after it.
fn with_blocks<T>(count: usize, keep: Keep, work: impl FnOnce(&mut [Block]) -> T) -> T {
    match keep {
        Some(keep) if count <= keep => KEPT.with_borrow_mut(|kept| {
            if kept.len() < keep {
                // The old blocks go before the new are made, so both are never held at once.
                *kept = Vec::new();
                *kept = vec![Block::default(); keep];
            }
            work(&mut kept[..count])
        }),
        _ => work(&mut vec![Block::default(); count]),
    }
}

/// A new Argon2id PHC string for `password` (a random salt), as the argon2 crate's
/// `hash_password` writes it.
pub fn hash(password: &[u8], params: Params, keep: Keep) -> Result<String, argon2::Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut raw_salt = [0u8; 64];
    let raw_salt = salt
        .decode_b64(&mut raw_salt)
        .map_err(|_| argon2::Error::SaltTooShort)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_blocks(params.block_count(), keep, |blocks| {
        argon2.hash_password_into_with_memory(password, raw_salt, &mut out, blocks)
    })?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|_| argon2::Error::OutputTooLong)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|_| argon2::Error::OutputTooShort)?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches a parsed Argon2 PHC hash (argon2id, argon2i or argon2d, any
/// version and parameters), compared in constant time. Anything that cannot be verified does
/// not match.
pub fn verify(password: &[u8], phc: &PasswordHash<'_>, keep: Keep) -> bool {
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else {
        return false;
    };
    let version = match phc.version {
        Some(v) => Version::try_from(v),
        None => Ok(Version::default()),
    };
    let (Ok(version), Ok(params)) = (version, Params::try_from(phc)) else {
        return false;
    };
    let mut raw_salt = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut raw_salt) else {
        return false;
    };
    let mut out = [0u8; Output::MAX_LENGTH];
    let Some(out) = out.get_mut(..expected.len()) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let hashed = with_blocks(params.block_count(), keep, |blocks| {
        argon2.hash_password_into_with_memory(password, raw_salt, out, blocks)
    });
    // `Output`'s equality is constant-time.
    hashed.is_ok() && Output::new(out).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    fn params(m: u32, t: u32, p: u32) -> Params {
        Params::new(m, t, p, None).unwrap()
    }

    #[test]
    fn hashes_verify_both_ways_with_the_argon2_crate() {
        for keep in [None, Some(64), Some(8)] {
            let phc = hash(b"pw", params(32, 2, 1), keep).unwrap();
            let parsed = PasswordHash::new(&phc).unwrap();
            assert!(Argon2::default().verify_password(b"pw", &parsed).is_ok());
            assert!(verify(b"pw", &parsed, keep));
            assert!(!verify(b"px", &parsed, keep));
            assert!(phc.starts_with("$argon2id$v=19$m=32,t=2,p=1$"), "{phc}");
        }
        // Made by the crate with each algorithm, version and lanes, and an odd output length.
        for (algorithm, version, p) in [
            (Algorithm::Argon2id, Version::V0x13, 4),
            (Algorithm::Argon2i, Version::V0x13, 1),
            (Algorithm::Argon2d, Version::V0x10, 2),
        ] {
            let ps = Params::new(64, 3, p, Some(40)).unwrap();
            let salt = SaltString::from_b64("c29tZXNhbHR2YWx1ZQ").unwrap();
            let phc = Argon2::new(algorithm, version, ps)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string();
            let parsed = PasswordHash::new(&phc).unwrap();
            for keep in [None, Some(16), Some(128)] {
                assert!(verify(b"pw", &parsed, keep), "{phc} {keep:?}");
                assert!(!verify(b"pW", &parsed, keep), "{phc} {keep:?}");
            }
        }
    }

    #[test]
    fn the_kept_blocks_are_made_once_and_a_larger_hash_gets_its_own() {
        let kept_len = || KEPT.with_borrow(Vec::len);
        assert_eq!(kept_len(), 0);
        hash(b"pw", params(16, 1, 1), None).unwrap();
        assert_eq!(kept_len(), 0, "nothing kept when asked to keep nothing");
        hash(b"pw", params(16, 1, 1), Some(32)).unwrap();
        assert_eq!(
            kept_len(),
            32,
            "allocated at what is kept, not at this hash's size"
        );
        let larger = hash(b"pw", params(64, 1, 1), Some(32)).unwrap();
        assert_eq!(kept_len(), 32, "a larger hash does not grow what is kept");
        assert!(verify(
            b"pw",
            &PasswordHash::new(&larger).unwrap(),
            Some(32)
        ));
    }
}
