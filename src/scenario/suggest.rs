//! "Did you mean ...?" suggestions.

/// The candidate closest to `word`, if it is close enough to be a likely
/// typo.
pub(crate) fn did_you_mean<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let w = word.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        let c = c.as_ref();
        let score = strsim::jaro_winkler(&w, &c.to_lowercase());
        let close = score >= 0.8
            || strsim::levenshtein(&w, &c.to_lowercase()) <= (c.chars().count() / 3).max(1);
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean `X`?` help text, or the fallback.
pub(crate) fn help_for<S: AsRef<str>>(word: &str, candidates: &[S], fallback: &str) -> String {
    match did_you_mean(word, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("horizn_months", &["horizon_months", "runs"]),
            Some("horizon_months")
        );
        assert_eq!(
            did_you_mean("untied-states", &["united-states", "france"]),
            Some("united-states")
        );
        assert_eq!(did_you_mean("zzz", &["united-states", "france"]), None);
    }
}
