//! How long a password may be: long enough to resist guessing, short enough that hashing it
//! costs what it should (argon2 reads the whole password; OWASP suggests a cap of 128 for it).

/// Shortest password accepted when one is chosen.
pub const MIN_CHARS: usize = 12;

/// What is wrong with a password's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthError {
    /// Fewer than [`MIN_CHARS`] characters.
    TooShort {
        /// The least accepted.
        min: usize,
    },
    /// More than the configured most.
    TooLong {
        /// The most accepted.
        max: usize,
    },
}

impl LengthError {
    /// The Fluent message that says it, with its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::TooShort { min } => ("password-too-short", vec![("min", min.to_string())]),
            Self::TooLong { max } => ("password-too-long", vec![("max", max.to_string())]),
        }
    }
}

/// Checks a password typed to sign in: only its upper bound, so that nothing longer is hashed.
pub fn check_typed(password: &str, max: usize) -> Result<(), LengthError> {
    // Counting stops past the bound: a megabyte is not walked to learn it is too long.
    if password.chars().nth(max).is_some() {
        return Err(LengthError::TooLong { max });
    }
    Ok(())
}

/// Checks a password being chosen: both bounds.
pub fn check_chosen(password: &str, max: usize) -> Result<(), LengthError> {
    check_typed(password, max)?;
    if password.chars().nth(MIN_CHARS - 1).is_none() {
        return Err(LengthError::TooShort { min: MIN_CHARS });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_counted_in_characters_not_bytes() {
        let cases = [
            ("", Err(LengthError::TooShort { min: 12 })),
            ("onze lettre", Err(LengthError::TooShort { min: 12 })),
            ("douze lettre", Ok(())),
            ("éééééééééééé", Ok(())),
            (&"é".repeat(16), Ok(())),
            (&"é".repeat(17), Err(LengthError::TooLong { max: 16 })),
        ];
        for (password, expected) in cases {
            assert_eq!(check_chosen(password, 16), expected, "{password:?}");
        }
        assert_eq!(check_typed("", 16), Ok(()));
        assert_eq!(
            check_typed(&"x".repeat(1 << 20), 128),
            Err(LengthError::TooLong { max: 128 })
        );
    }
}
