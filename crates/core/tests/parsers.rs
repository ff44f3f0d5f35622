//! Property tests for every parser of untrusted input in the domain: JWTs, the prefixed secrets,
//! scoped tokens, revocation keys from the feed, usernames, roles and permissions. Each holds for
//! any input: no panic, and nothing but a genuine credential is accepted.

use proptest::prelude::*;
use tessera_core::jwt::{Claims, JwtCodec, ACCESS_TYP};
use tessera_core::keys::SigningKey;
use tessera_core::scoped_secret::{is_well_formed, new_scoped_secret};
use tessera_core::secret::{has_shape, new_secret, REFRESH_PREFIX};
use tessera_core::{classify, Permission, RevocationKey, Role, TokenKind, Username};

const NOW: i64 = 1_700_000_000;

fn codec() -> JwtCodec {
    JwtCodec::new(
        &SigningKey::from_bytes(vec![7; 64]).unwrap(),
        "tessera",
        "tessera-client",
        5,
    )
}

fn valid_token(codec: &JwtCodec) -> String {
    codec.sign(
        ACCESS_TYP,
        &Claims {
            iss: "tessera".into(),
            sub: "alice".into(),
            aud: "tessera-client".into(),
            exp: NOW + 900,
            iat: NOW,
            nbf: NOW,
            jti: "j1".into(),
            kind: "access".into(),
            sid: "s1".into(),
            pwc: false,
            scope: None,
            client_id: None,
        },
    )
}

/// `text` with the character at `at` (modulo its length) replaced by `with`, which differs.
fn mutate(text: &str, at: usize, with: char) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let i = at % chars.len();
    (chars[i] != with).then(|| {
        let mut out = chars;
        out[i] = with;
        out.into_iter().collect()
    })
}

/// Strings that look like the credentials tessera hands out, more often than random text would.
fn credential_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_.=-]{0,200}",
        "eyJ[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,90}",
        "(tsr_rt_|tsr_ak_|tsr_pat_)[A-Za-z0-9_-]{0,80}",
        "(apikey|tok|user|session)?:?[^\n]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_is_refused_as_an_access_token(s in credential_like()) {
        prop_assert!(codec().verify_access(&s, NOW).is_err());
    }

    #[test]
    fn a_changed_character_breaks_an_access_token(at in any::<usize>(), with in any::<char>()) {
        let codec = codec();
        let token = valid_token(&codec);
        prop_assert!(codec.verify_access(&token, NOW).is_ok());
        if let Some(bad) = mutate(&token, at, with) {
            prop_assert!(codec.verify_access(&bad, NOW).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cut_or_extended_access_token_is_refused(cut in any::<usize>(), tail in "[A-Za-z0-9._=-]{1,8}") {
        let codec = codec();
        let token = valid_token(&codec);
        let cut = cut % token.len();
        prop_assert!(codec.verify_access(&token[..cut], NOW).is_err());
        let longer = format!("{token}{tail}");
        prop_assert!(codec.verify_access(&longer, NOW).is_err());
    }

    #[test]
    fn classify_never_panics_and_follows_the_prefixes(s in credential_like()) {
        let kind = classify(&s);
        match kind {
            TokenKind::SessionRefresh => prop_assert!(s.starts_with("tsr_rt_")),
            TokenKind::ApiKeyRefresh => prop_assert!(s.starts_with("tsr_ak_")),
            TokenKind::Scoped => prop_assert!(s.starts_with("tsr_pat_")),
            TokenKind::Access | TokenKind::ApiKey | TokenKind::OtherJwt => {
                prop_assert!(s.starts_with("eyJ"));
            }
            TokenKind::Unknown => {}
        }
    }

    #[test]
    fn scoped_tokens_are_well_formed_only_as_issued(s in credential_like(), at in any::<usize>(), with in "[A-Za-z0-9]") {
        // Random text passes the checksum only by a 1 in 62^8 chance.
        prop_assert!(!is_well_formed(&s) || s.starts_with("tsr_pat_"));
        let token = new_scoped_secret().plain;
        prop_assert!(is_well_formed(&token));
        let at = "tsr_pat_".len() + at % (token.len() - "tsr_pat_".len());
        if let Some(bad) = mutate(&token, at, with.chars().next().unwrap()) {
            prop_assert!(!is_well_formed(&bad), "{bad}");
        }
    }

    #[test]
    fn refresh_token_shapes_never_panic(s in credential_like()) {
        let _ = has_shape(&s, REFRESH_PREFIX);
        let issued = new_secret(REFRESH_PREFIX).plain;
        prop_assert!(has_shape(&issued, REFRESH_PREFIX));
    }

    #[test]
    fn revocation_keys_from_the_feed_round_trip_or_are_ignored(s in credential_like()) {
        if let Some(key) = RevocationKey::parse(&s) {
            prop_assert_eq!(RevocationKey::parse(&key.to_string()), Some(key));
        }
    }

    #[test]
    fn names_roles_and_permissions_parse_without_panics(s in any::<String>()) {
        if let Ok(name) = Username::parse(&s) {
            let n = name.as_str();
            prop_assert!(!n.is_empty() && n.chars().count() <= 64);
            prop_assert!(n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_@".contains(c)));
            prop_assert_eq!(Username::parse(n).unwrap(), name.clone());
        }
        if let Some(role) = Role::parse(&s) {
            prop_assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        if let Some(p) = Permission::parse(&s) {
            prop_assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
    }
}
