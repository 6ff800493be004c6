//! "Did you mean ...?" suggestions.

/// The candidate closest to `word`, if it is close enough to be a likely
/// typo.
pub(crate) fn did_you_mean<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    // A typo of a name is about as long as the name: no edit distance is
    // computed for a long word (its cost grows with the product of the
    // lengths), nor over more names than a file could sensibly define.
    const LONGEST_WORD: usize = 64;
    const MOST_CANDIDATES: usize = 1000;
    if word.len() > LONGEST_WORD {
        return None;
    }
    let w = word.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates.iter().take(MOST_CANDIDATES) {
        let c = c.as_ref();
        if c.len().abs_diff(word.len()) > LONGEST_WORD / 2 {
            continue;
        }
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

/// Names for a message, the first few and how many more: a file with
/// thousands of ids must not print them all.
pub(crate) fn name_list<S: AsRef<str>>(names: &[S]) -> String {
    const SHOWN: usize = 12;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
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
