//! Join codes: one per seat left to people, one for observers, one for the facilitator.
//!
//! A code is 10 characters of Crockford's base-32 alphabet (50 bits), drawn from the
//! operating system's random source, never from the game's seed: a student who knows the
//! seed (it is printed on the setup screen) learns nothing about the codes. Codes are
//! compared in constant time and typed case-insensitively, with the letters people
//! confuse read as the digits they look like.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::protocol::Role;

/// Characters of a code: Crockford's base 32 (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters per code: 10 × 5 = 50 bits.
pub const CODE_LEN: usize = 10;

/// A fresh random code. Fails only when the operating system has no random source.
pub fn fresh() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect())
}

/// A code as typed, in the form codes are kept: upper case, with `I`/`L` read as `1`
/// and `O` as `0`, dashes and spaces dropped. `None` when it cannot be a code.
pub fn normalise(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || out.len() >= CODE_LEN {
            return None;
        }
        out.push(c);
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// Whether two codes are equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The codes of one hosted game. Kept in the host's save, so that a resumed game takes
/// the same codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeBook {
    /// Party id → code, for the seats left to people.
    pub seats: BTreeMap<String, String>,
    pub observer: String,
    pub facilitator: String,
}

impl CodeBook {
    /// Fresh codes for these seats, each different from every other.
    pub fn new(seats: &[String]) -> Result<CodeBook, getrandom::Error> {
        let mut taken: Vec<String> = Vec::new();
        let draw = |taken: &mut Vec<String>| -> Result<String, getrandom::Error> {
            loop {
                let code = fresh()?;
                if !taken.contains(&code) {
                    taken.push(code.clone());
                    return Ok(code);
                }
            }
        };
        let mut book = CodeBook {
            seats: BTreeMap::new(),
            observer: draw(&mut taken)?,
            facilitator: draw(&mut taken)?,
        };
        for s in seats {
            book.seats.insert(s.clone(), draw(&mut taken)?);
        }
        Ok(book)
    }

    /// The role a typed code opens, if any. Every code is compared, so the time taken
    /// does not say which one came close.
    pub fn role_of(&self, typed: &str) -> Option<Role> {
        let code = normalise(typed)?;
        let mut found = None;
        for (party, c) in &self.seats {
            if same(c, &code) {
                found = Some(Role::Seat {
                    party: party.clone(),
                });
            }
        }
        if same(&self.observer, &code) {
            found = Some(Role::Observer);
        }
        if same(&self.facilitator, &code) {
            found = Some(Role::Facilitator);
        }
        found
    }

    /// Gives `role` a new code (the old one stops working); returns it, or `None` for a
    /// seat that has no code.
    pub fn rotate(&mut self, role: &Role) -> Result<Option<String>, getrandom::Error> {
        let mut code = fresh()?;
        while self.role_of(&code).is_some() {
            code = fresh()?;
        }
        let slot = match role {
            Role::Seat { party } => match self.seats.get_mut(party) {
                Some(slot) => slot,
                None => return Ok(None),
            },
            Role::Observer => &mut self.observer,
            Role::Facilitator => &mut self.facilitator,
        };
        *slot = code.clone();
        Ok(Some(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_distinct_and_typed_loosely() {
        let book = CodeBook::new(&["a".into(), "b".into()]).unwrap();
        let all = [
            &book.seats["a"],
            &book.seats["b"],
            &book.observer,
            &book.facilitator,
        ];
        for (i, c) in all.iter().enumerate() {
            assert_eq!(c.len(), CODE_LEN);
            assert!(all[i + 1..].iter().all(|d| d != c));
        }
        let a = &book.seats["a"];
        assert_eq!(book.role_of(a), Some(Role::Seat { party: "a".into() }));
        // Lower case, dashes, and O/I/L for 0/1 are the same code.
        let typed: String = a
            .chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => 'l',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let typed = format!("{}-{}", &typed[..5], &typed[5..]);
        assert_eq!(book.role_of(&typed), Some(Role::Seat { party: "a".into() }));
        assert_eq!(book.role_of(&book.facilitator), Some(Role::Facilitator));
        assert_eq!(book.role_of(""), None);
        assert_eq!(book.role_of("ABCDEFGHJKM"), None, "too long");
        assert_eq!(book.role_of("ABCDÉFGHJK"), None);
        // Two books never share codes (50 bits each).
        let other = CodeBook::new(&["a".into()]).unwrap();
        assert_ne!(other.seats["a"], book.seats["a"]);
    }

    #[test]
    fn a_rotated_code_replaces_the_old_one() {
        let mut book = CodeBook::new(&["a".into()]).unwrap();
        let old = book.seats["a"].clone();
        let new = book
            .rotate(&Role::Seat { party: "a".into() })
            .unwrap()
            .unwrap();
        assert_ne!(old, new);
        assert_eq!(book.role_of(&old), None);
        assert_eq!(book.role_of(&new), Some(Role::Seat { party: "a".into() }));
        assert_eq!(
            book.rotate(&Role::Seat { party: "z".into() }).unwrap(),
            None
        );
    }
}
