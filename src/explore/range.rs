//! A parameter range as written on the command line: `PATH=LO..HI[:STEPS]`.

use std::str::FromStr;

use super::{ExploreError, Parameter};

/// A parameter and, for grids, how many values to take across its range.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterRange {
    pub parameter: Parameter,
    /// `None` when the design decides (a sample rather than a grid).
    pub steps: Option<usize>,
}

const FORM: &str =
    "write PATH=LO..HI or PATH=LO..HI:STEPS, e.g. countries.united-states.resolve=0.2..0.8:7";

impl FromStr for ParameterRange {
    type Err = ExploreError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let syntax = |problem: String| ExploreError::RangeSyntax {
            text: text.to_string(),
            problem,
            form: FORM,
        };
        let Some((path, range)) = text.split_once('=') else {
            return Err(syntax(
                "there is no `=` between the path and the range".into(),
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(syntax("the path before `=` is empty".into()));
        }
        let (bounds, steps) = match range.split_once(':') {
            Some((bounds, steps)) => {
                let steps = steps.trim().parse::<usize>().map_err(|_| {
                    syntax(format!("the step count `{steps}` is not a whole number"))
                })?;
                (bounds, Some(steps))
            }
            None => (range, None),
        };
        let Some((lo, hi)) = bounds.split_once("..") else {
            return Err(syntax(format!(
                "the range `{bounds}` has no `..` between its ends"
            )));
        };
        let number = |end: &str| {
            end.trim()
                .parse::<f64>()
                .map_err(|_| syntax(format!("`{end}` is not a number")))
        };
        let parameter = Parameter::new(path, number(lo)?, number(hi)?)?;
        if let Some(s) = steps.filter(|&s| s < 2) {
            return Err(ExploreError::TooFewSteps {
                name: path.to_string(),
                steps: s,
            });
        }
        Ok(ParameterRange { parameter, steps })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ParameterRange, ExploreError> {
        text.parse()
    }

    #[test]
    fn reads_path_range_and_steps() {
        let r = parse("countries.united-states.resolve=0.2..0.8:7").unwrap();
        assert_eq!(r.parameter.name(), "countries.united-states.resolve");
        assert_eq!(
            (r.parameter.lo(), r.parameter.hi(), r.steps),
            (0.2, 0.8, Some(7))
        );
        let r = parse("coefficients.weight_failure = -1.5..2e1").unwrap();
        assert_eq!(
            (r.parameter.lo(), r.parameter.hi(), r.steps),
            (-1.5, 20.0, None)
        );
    }

    #[test]
    fn bad_ranges_say_what_is_wrong_and_what_is_valid() {
        for (text, problem) in [
            ("countries.united-states.resolve", "no `=`"),
            ("=0..1", "path before `=` is empty"),
            ("x=0-1", "no `..`"),
            ("x=a..1", "`a` is not a number"),
            ("x=0..1:many", "`many` is not a whole number"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(
                matches!(err, ExploreError::RangeSyntax { .. }),
                "{text}: {err}"
            );
            let message = err.to_string();
            assert!(
                message.contains(problem) && message.contains("PATH=LO..HI"),
                "{message}"
            );
        }
        assert!(matches!(
            parse("x=0.8..0.2"),
            Err(ExploreError::EmptyRange { .. })
        ));
        assert!(matches!(
            parse("x=0.5..0.5:3"),
            Err(ExploreError::EmptyRange { .. })
        ));
        assert!(matches!(
            parse("x=0..1:0"),
            Err(ExploreError::TooFewSteps { steps: 0, .. })
        ));
        assert!(matches!(
            parse("x=0..inf"),
            Err(ExploreError::NotFinite { .. })
        ));
    }
}
