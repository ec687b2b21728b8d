//! Money as the invoices state it: whole minor units (cents), never floating point, and the
//! ISO 4217 code of its currency.

use serde::{Deserialize, Serialize};

/// An amount in minor units of its invoice's currency (cents for EUR): sums stay exact.
/// Negative on credit-note lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(pub i64);

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("`{0}` is not a decimal amount (digits, an optional sign and one `.`)")]
    Syntax(String),
    #[error("`{0}` is too large an amount")]
    TooLarge(String),
}

impl Amount {
    /// The minor units (cents).
    pub fn cents(self) -> i64 {
        self.0
    }

    /// An amount in major units as a binary float (FacturaScripts' JSON numbers), rounded half
    /// away from zero to cents. Rounding goes through the shortest decimal text of the float,
    /// so `1.005` (stored as 1.00499999…) is the cent-and-a-half its author typed and becomes
    /// `1.01`, as FacturaScripts itself rounds it. `None` for NaN or infinity.
    pub fn from_major_f64(value: f64) -> Option<Amount> {
        if !value.is_finite() {
            return None;
        }
        Amount::parse_decimal(&format!("{value}")).ok()
    }

    /// A decimal text in major units (`"121.50"`, `"-3"`, `"0.125"`), rounded half away from
    /// zero to cents. Exact: no float is involved.
    pub fn parse_decimal(text: &str) -> Result<Amount, AmountError> {
        let syntax = || AmountError::Syntax(text.to_owned());
        let t = text.trim();
        let (negative, digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
            return Err(syntax());
        }
        let too_large = || AmountError::TooLarge(text.to_owned());
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_large())?
        };
        let mut cents = whole.checked_mul(100).ok_or_else(too_large)?;
        let f = fraction.as_bytes();
        let digit = |i: usize| f.get(i).map_or(0, |b| i64::from(b - b'0'));
        cents = cents.checked_add(digit(0) * 10 + digit(1)).ok_or_else(too_large)?;
        // Half away from zero: the sign is applied after rounding the magnitude.
        if digit(2) >= 5 {
            cents = cents.checked_add(1).ok_or_else(too_large)?;
        }
        Ok(Amount(if negative { -cents } else { cents }))
    }
}

impl std::ops::Neg for Amount {
    type Output = Amount;
    fn neg(self) -> Amount {
        Amount(-self.0)
    }
}

/// An ISO 4217 code as the source wrote it (`eur`, ` EUR `), upper-cased; `None` unless it is
/// three ASCII letters, so that a typo never becomes a currency of its own in the sums.
pub fn currency_code(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic())).then(|| t.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_half_away_from_zero() {
        let p = |t: &str| Amount::parse_decimal(t).map(Amount::cents);
        assert_eq!(p("121.50"), Ok(12150));
        assert_eq!(p("3"), Ok(300));
        assert_eq!(p("0.125"), Ok(13));
        assert_eq!(p("-0.125"), Ok(-13));
        assert_eq!(p("0.124999"), Ok(12));
        assert_eq!(p("-42.1"), Ok(-4210));
        assert_eq!(p(".5"), Ok(50));
        assert_eq!(p("+7."), Ok(700));
        assert!(matches!(p("1,50"), Err(AmountError::Syntax(_))));
        assert!(matches!(p(""), Err(AmountError::Syntax(_))));
        assert!(matches!(p("-"), Err(AmountError::Syntax(_))));
        assert!(matches!(p("1e3"), Err(AmountError::Syntax(_))));
        assert!(matches!(p("99999999999999999999"), Err(AmountError::TooLarge(_))));
    }

    #[test]
    fn floats_round_as_typed() {
        let f = |v: f64| Amount::from_major_f64(v).map(Amount::cents);
        assert_eq!(f(1.005), Some(101));
        assert_eq!(f(-1.005), Some(-101));
        assert_eq!(f(99.99), Some(9999));
        assert_eq!(f(0.1 + 0.2), Some(30));
        assert_eq!(f(-60.5), Some(-6050));
        assert_eq!(f(f64::NAN), None);
        assert_eq!(f(1e300), None);
    }

    #[test]
    fn currencies_are_three_letters() {
        assert_eq!(currency_code(" eur "), Some("EUR".to_owned()));
        assert_eq!(currency_code("EURO"), None);
        assert_eq!(currency_code("€"), None);
    }
}
