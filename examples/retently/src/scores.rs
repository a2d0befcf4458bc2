//! Score formulas. Each metric reduces a set of answers to one number:
//!
//! - **NPS**: percent of promoters (9–10) minus percent of detractors (0–6), from
//!   −100 to 100, one decimal.
//! - **CSAT**: percent of answers that are 4 or 5 on the 1–5 scale, one decimal.
//! - **CES**: the mean answer on the 1–7 scale (higher is easier), two decimals;
//!   the share of "easy" answers (5–7) is reported next to it.

use crate::account::{Category, Metric};

/// How each metric's score is defined, as published in tool output.
pub fn definition(metric: Metric) -> &'static str {
    match metric {
        Metric::Nps => "percent of promoters (9-10) minus percent of detractors (0-6), -100 to 100",
        Metric::Csat => "percent of satisfied answers (4-5 on a 1-5 scale), 0 to 100",
        Metric::Ces => {
            "mean answer on a 1-7 scale where 7 is easiest; easyPercent is the share of 5-7"
        }
    }
}

/// Running counts of answers to one metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answers in the positive band (promoters, satisfied, easy).
    pub positive: u32,
    /// Answers in the middle band.
    pub neutral: u32,
    /// Answers in the negative band (detractors, dissatisfied, hard).
    pub negative: u32,
    /// Sum of all answers.
    pub sum: u64,
}

impl Tally {
    /// Counts one answer.
    pub fn add(&mut self, metric: Metric, score: u8) {
        match Category::of(metric, score) {
            Category::Positive => self.positive += 1,
            Category::Neutral => self.neutral += 1,
            Category::Negative => self.negative += 1,
        }
        self.sum += u64::from(score);
    }

    /// A tally of a list of answers.
    pub fn of(metric: Metric, scores: impl IntoIterator<Item = u8>) -> Self {
        let mut tally = Self::default();
        for score in scores {
            tally.add(metric, score);
        }
        tally
    }

    /// How many answers were counted.
    pub fn count(&self) -> u32 {
        self.positive + self.neutral + self.negative
    }

    /// The metric's score, or `None` without answers.
    pub fn score(&self, metric: Metric) -> Option<f64> {
        let n = f64::from(self.count());
        if self.count() == 0 {
            return None;
        }
        Some(match metric {
            Metric::Nps => round(
                (f64::from(self.positive) - f64::from(self.negative)) * 100.0 / n,
                1,
            ),
            Metric::Csat => round(f64::from(self.positive) * 100.0 / n, 1),
            Metric::Ces => round(self.sum as f64 / n, 2),
        })
    }

    /// The mean answer, or `None` without answers.
    pub fn average(&self) -> Option<f64> {
        (self.count() > 0).then(|| round(self.sum as f64 / f64::from(self.count()), 2))
    }

    /// A band's share of all answers in percent, one decimal.
    pub fn percent(&self, part: u32) -> f64 {
        if self.count() == 0 {
            0.0
        } else {
            round(f64::from(part) * 100.0 / f64::from(self.count()), 1)
        }
    }
}

/// Rounds to a number of decimal places.
pub fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

/// The difference of two optional scores.
pub fn delta(current: Option<f64>, previous: Option<f64>) -> Option<f64> {
    Some(round(current? - previous?, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_is_promoters_minus_detractors() {
        // 4 promoters, 3 passives, 3 detractors out of 10: 40% - 30% = 10.
        let t = Tally::of(Metric::Nps, [10, 9, 9, 10, 7, 8, 7, 0, 6, 3]);
        assert_eq!((t.positive, t.neutral, t.negative), (4, 3, 3));
        assert_eq!(t.score(Metric::Nps), Some(10.0));
        // All detractors.
        assert_eq!(
            Tally::of(Metric::Nps, [0, 6]).score(Metric::Nps),
            Some(-100.0)
        );
        // 1 promoter of 3: 33.3.
        assert_eq!(
            Tally::of(Metric::Nps, [9, 7, 8]).score(Metric::Nps),
            Some(33.3)
        );
    }

    #[test]
    fn csat_is_share_of_fours_and_fives() {
        let t = Tally::of(Metric::Csat, [5, 4, 3, 2, 1, 5, 4, 4]);
        // 5 of 8 satisfied = 62.5%.
        assert_eq!(t.score(Metric::Csat), Some(62.5));
    }

    #[test]
    fn ces_is_the_mean_with_easy_share() {
        let t = Tally::of(Metric::Ces, [7, 6, 5, 4, 1, 2]);
        // (7+6+5+4+1+2)/6 = 4.17; easy answers 3 of 6.
        assert_eq!(t.score(Metric::Ces), Some(4.17));
        assert_eq!(t.percent(t.positive), 50.0);
    }

    #[test]
    fn no_answers_no_score() {
        assert_eq!(Tally::default().score(Metric::Nps), None);
        assert_eq!(delta(Some(10.0), None), None);
        assert_eq!(delta(Some(12.5), Some(10.0)), Some(2.5));
    }
}
