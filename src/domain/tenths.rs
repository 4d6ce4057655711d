//! Figures shown to one decimal place, never as `-0.0`.

/// `value` rounded to one decimal place. An empty sum of `f64` is `-0.0` and rounding keeps a
/// negative zero's sign; adding `0.0` turns it into `0.0`, which is how it should read.
pub fn tenths(value: f64) -> f64 {
    (value * 10.0).round() / 10.0 + 0.0
}

#[cfg(test)]
mod tests {
    use super::tenths;

    #[test]
    fn rounds_to_one_decimal_and_never_reads_minus_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        for (value, expected) in [
            (empty, "0"),
            (-0.04, "0"),
            (1.25, "1.3"),
            (-1.26, "-1.3"),
            (3.0, "3"),
        ] {
            assert_eq!(tenths(value).to_string(), expected, "{value}");
        }
    }
}
