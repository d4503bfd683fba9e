//! Raw agreement and Cohen's κ between two codings of the same items.

use std::collections::BTreeMap;

/// How far two coders agree over the `n` items both coded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub n: usize,
    /// Items given the same value by both coders.
    pub agree: usize,
    /// Cohen's κ = (pₒ − pₑ) / (1 − pₑ). `None` when the agreement expected by chance pₑ is 1
    /// (both coders gave one and the same value to every item) or there is no item: the
    /// formula then divides by zero, and only the raw agreement means anything.
    pub kappa: Option<f64>,
}

impl Agreement {
    /// The agreement over `(first, second)` codings of each item.
    pub fn of<T: Ord + Clone>(pairs: impl IntoIterator<Item = (T, T)>) -> Agreement {
        let (mut n, mut agree) = (0usize, 0usize);
        let mut first: BTreeMap<T, usize> = BTreeMap::new();
        let mut second: BTreeMap<T, usize> = BTreeMap::new();
        for (a, b) in pairs {
            n += 1;
            agree += usize::from(a == b);
            *first.entry(a).or_default() += 1;
            *second.entry(b).or_default() += 1;
        }
        // With a_k and b_k the two coders' counts of value k: pₒ = agree / n and
        // pₑ = Σ a_k·b_k / n², so κ = (n·agree − Σ a_k·b_k) / (n² − Σ a_k·b_k), exact in integers
        // up to the last division; pₑ = 1 exactly when Σ a_k·b_k = n².
        let chance: usize = first
            .iter()
            .map(|(k, a)| a * second.get(k).copied().unwrap_or(0))
            .sum();
        let square = n * n;
        let kappa = (chance < square)
            .then(|| ((n * agree) as f64 - chance as f64) / (square - chance) as f64);
        Agreement { n, agree, kappa }
    }

    /// The share of items given the same value, `None` when there is no item.
    pub fn raw(&self) -> Option<f64> {
        (self.n > 0).then(|| self.agree as f64 / self.n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    fn pairs<'a>(first: &'a [&'a str], second: &'a [&'a str]) -> Vec<(&'a str, &'a str)> {
        first.iter().copied().zip(second.iter().copied()).collect()
    }

    #[test]
    fn two_by_two_table() {
        // 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15. pₒ = 35/50 = 0.7; the first coder
        // says yes 25 times, the second 30: pₑ = (25·30 + 25·20)/2500 = 0.5; κ = 0.2/0.5 = 0.4.
        let mut v = Vec::new();
        v.extend(std::iter::repeat_n(("yes", "yes"), 20));
        v.extend(std::iter::repeat_n(("yes", "no"), 5));
        v.extend(std::iter::repeat_n(("no", "yes"), 10));
        v.extend(std::iter::repeat_n(("no", "no"), 15));
        let a = Agreement::of(v);
        assert_eq!((a.n, a.agree), (50, 35));
        assert!(close(a.raw(), 0.7));
        assert!(close(a.kappa, 0.4));
    }

    #[test]
    fn perfect_agreement_over_two_values_is_one() {
        let a = Agreement::of(pairs(&["s", "n", "n"], &["s", "n", "n"]));
        assert_eq!((a.n, a.agree), (3, 3));
        assert!(close(a.kappa, 1.0));
    }

    #[test]
    fn one_value_throughout_leaves_kappa_undefined() {
        // pₑ = (4·4)/16 = 1: κ would divide by zero; raw agreement is 1.
        let a = Agreement::of(pairs(&["n"; 4], &["n"; 4]));
        assert_eq!(a.kappa, None);
        assert!(close(a.raw(), 1.0));
        let none = Agreement::of(Vec::<(&str, &str)>::new());
        assert_eq!((none.n, none.kappa, none.raw()), (0, None, None));
    }

    #[test]
    fn systematic_disagreement_is_minus_one() {
        // pₒ = 0, pₑ = (1·1 + 1·1)/4 = 0.5: κ = −0.5/0.5 = −1.
        let a = Agreement::of(pairs(&["x", "y"], &["y", "x"]));
        assert!(close(a.kappa, -1.0));
        assert!(close(a.raw(), 0.0));
    }

    #[test]
    fn a_value_only_one_coder_used() {
        // first s s n o, second s n n n: agree on items 1 and 3. Counts: s 2/1, n 1/3, o 1/0;
        // Σ a·b = 2 + 3 + 0 = 5; κ = (4·2 − 5)/(16 − 5) = 3/11.
        let a = Agreement::of(pairs(&["s", "s", "n", "o"], &["s", "n", "n", "n"]));
        assert_eq!(a.agree, 2);
        assert!(close(a.kappa, 3.0 / 11.0));
        // first s s s, second s s n: Σ a·b = 3·2 = 6; κ = (3·2 − 6)/(9 − 6) = 0, although
        // two items in three agree: the first coder's constant value agrees by chance.
        let b = Agreement::of(pairs(&["s", "s", "s"], &["s", "s", "n"]));
        assert!(close(b.kappa, 0.0));
        assert!(close(b.raw(), 2.0 / 3.0));
    }
}
