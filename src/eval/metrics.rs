//! Relevance measures of one ranked run against graded judgements, with trec_eval's
//! definitions (those of `../shared/ir/run_ir.py`):
//!
//! - nDCG@k: linear gains (the grade), log2 discount (`gain / log2(rank + 1)`), the ideal
//!   ranking built from every judged relevant id, not only the retrieved ones;
//! - AP@k: precision at the rank of each relevant id within the top k, summed and divided by
//!   the number of relevant ids (retrieved or not);
//! - recall@k: relevant ids within the top k over all relevant ids;
//! - RR@k: 1 / rank of the first relevant id within the top k, 0 when there is none.
//!
//! A grade above 0 is relevant; 0 or less is judged not relevant. A run is read as its
//! distinct ids: an id repeated further down counts once, at its first rank, and the ranks
//! below close up. Reading files and running queries are [`super`]'s.

use std::collections::{HashMap, HashSet};

/// Graded judgements of one query: id → grade (the gain for nDCG when above 0).
pub type Judgements = HashMap<String, f64>;

/// The measures of one query, or their means over queries. `ap` and `recall` are taken at
/// the evaluation depth, `ndcg_10` and `rr_10` at 10.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Measures {
    pub ndcg_10: f64,
    pub ap: f64,
    pub recall: f64,
    pub rr_10: f64,
}

impl Measures {
    /// The four measures of `run`, MAP and recall at `depth`.
    pub fn of<S: AsRef<str>>(run: &[S], judged: &Judgements, depth: usize) -> Measures {
        Measures {
            ndcg_10: ndcg(run, judged, 10),
            ap: average_precision(run, judged, depth),
            recall: recall(run, judged, depth),
            rr_10: reciprocal_rank(run, judged, 10),
        }
    }

    /// The mean of each measure; all zero for no queries.
    pub fn mean<'a>(all: impl IntoIterator<Item = &'a Measures>) -> Measures {
        let (mut sum, mut n) = (Measures::default(), 0usize);
        for m in all {
            sum.ndcg_10 += m.ndcg_10;
            sum.ap += m.ap;
            sum.recall += m.recall;
            sum.rr_10 += m.rr_10;
            n += 1;
        }
        if n == 0 {
            return sum;
        }
        let n = n as f64;
        Measures { ndcg_10: sum.ndcg_10 / n, ap: sum.ap / n, recall: sum.recall / n, rr_10: sum.rr_10 / n }
    }
}

/// Number of relevant ids (grade above 0).
pub fn relevant(judged: &Judgements) -> usize {
    judged.values().filter(|g| **g > 0.0).count()
}

/// The first `k` distinct ids of a run.
fn top<S: AsRef<str>>(run: &[S], k: usize) -> Vec<&str> {
    let mut seen = HashSet::new();
    run.iter().map(AsRef::as_ref).filter(|id| seen.insert(*id)).take(k).collect()
}

/// The gain of an id: its grade when relevant, else 0.
fn gain(judged: &Judgements, id: &str) -> f64 {
    judged.get(id).copied().filter(|g| *g > 0.0).unwrap_or(0.0)
}

/// Discount of 0-based rank `i`: log2(i + 2).
fn discount(i: usize) -> f64 {
    (i as f64 + 2.0).log2()
}

/// nDCG@k.
pub fn ndcg<S: AsRef<str>>(run: &[S], judged: &Judgements, k: usize) -> f64 {
    let dcg: f64 = top(run, k).iter().enumerate().map(|(i, id)| gain(judged, id) / discount(i)).sum();
    let mut ideal: Vec<f64> = judged.values().copied().filter(|g| *g > 0.0).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let idcg: f64 = ideal.iter().take(k).enumerate().map(|(i, g)| g / discount(i)).sum();
    if idcg > 0.0 { dcg / idcg } else { 0.0 }
}

/// AP@k (the summand of MAP@k).
pub fn average_precision<S: AsRef<str>>(run: &[S], judged: &Judgements, k: usize) -> f64 {
    let total = relevant(judged);
    if total == 0 {
        return 0.0;
    }
    let (mut found, mut sum) = (0usize, 0.0);
    for (i, id) in top(run, k).iter().enumerate() {
        if gain(judged, id) > 0.0 {
            found += 1;
            sum += found as f64 / (i + 1) as f64;
        }
    }
    sum / total as f64
}

/// Recall@k.
pub fn recall<S: AsRef<str>>(run: &[S], judged: &Judgements, k: usize) -> f64 {
    let total = relevant(judged);
    if total == 0 {
        return 0.0;
    }
    let found = top(run, k).iter().filter(|id| gain(judged, id) > 0.0).count();
    found as f64 / total as f64
}

/// RR@k (the summand of MRR@k).
pub fn reciprocal_rank<S: AsRef<str>>(run: &[S], judged: &Judgements, k: usize) -> f64 {
    top(run, k).iter().position(|id| gain(judged, id) > 0.0).map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, f64)]) -> Judgements {
        pairs.iter().map(|(id, g)| (id.to_string(), *g)).collect()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// Run [d1, d2, d3], judgements {d1: 2, d3: 1, d4: 3}.
    ///
    /// - DCG@10 = 2/log2(2) + 0/log2(3) + 1/log2(4) = 2 + 0 + 0.5 = 2.5;
    ///   ideal gains 3, 2, 1: IDCG = 3/1 + 2/log2(3) + 1/2 = 4.7618595071429148;
    ///   nDCG@10 = 2.5 / 4.7618595071429148 = 0.5250049893849101.
    /// - AP: relevant at ranks 1 and 3: (1/1 + 2/3) / 3 relevant = 5/9.
    /// - recall: 2 of 3 = 2/3. RR: first relevant at rank 1 = 1.
    #[test]
    fn measures_of_a_small_run_match_the_hand_computed_values() {
        let j = judged(&[("d1", 2.0), ("d3", 1.0), ("d4", 3.0)]);
        let m = Measures::of(&["d1", "d2", "d3"], &j, 100);
        close(m.ndcg_10, 2.5 / (3.0 + 2.0 / 3f64.log2() + 0.5));
        close(m.ndcg_10, 0.5250049893849101);
        close(m.ap, 5.0 / 9.0);
        close(m.recall, 2.0 / 3.0);
        close(m.rr_10, 1.0);
    }

    /// Run [x, d3], judgements {d3: 1, n: 0, m: -1}: the non-relevant grades are not gains.
    /// DCG = 1/log2(3), IDCG = 1/log2(2) = 1 → nDCG = 0.6309297535714575; AP = (1/2)/1;
    /// recall = 1; RR = 1/2.
    #[test]
    fn grades_of_zero_or_less_are_not_relevant() {
        let j = judged(&[("d3", 1.0), ("n", 0.0), ("m", -1.0)]);
        assert_eq!(relevant(&j), 1);
        let m = Measures::of(&["x", "d3", "n", "m"], &j, 100);
        close(m.ndcg_10, 0.6309297535714575);
        close(m.ap, 0.5);
        close(m.recall, 1.0);
        close(m.rr_10, 0.5);
    }

    #[test]
    fn no_relevant_retrieved_scores_zero() {
        let j = judged(&[("d1", 1.0)]);
        assert_eq!(Measures::of(&["x", "y"], &j, 100), Measures::default());
        assert_eq!(Measures::of::<&str>(&[], &j, 100), Measures::default());
    }

    #[test]
    fn no_relevant_judgement_scores_zero_without_dividing_by_zero() {
        let j = judged(&[("d1", 0.0)]);
        assert_eq!(Measures::of(&["d1"], &j, 100), Measures::default());
    }

    /// Fewer results than k: the missing ranks gain nothing. Run [d2, d1, d3] at depth 2,
    /// judgements {d1: 2, d3: 1, d4: 3}: AP@2 = (1/2) / 3 = 1/6 (d3 at rank 3 is cut off);
    /// recall@2 = 1/3; nDCG@10 over all three = (2/log2(3) + 1/log2(4)) / IDCG
    /// = (1.2618595071429148 + 0.5) / 4.7618595071429148 = 0.36999401273810767.
    #[test]
    fn the_depth_cuts_the_run_and_short_runs_are_not_padded() {
        let j = judged(&[("d1", 2.0), ("d3", 1.0), ("d4", 3.0)]);
        let m = Measures::of(&["d2", "d1", "d3"], &j, 2);
        close(m.ap, 1.0 / 6.0);
        close(m.recall, 1.0 / 3.0);
        close(m.ndcg_10, (2.0 / 3f64.log2() + 0.5) / (3.0 + 2.0 / 3f64.log2() + 0.5));
        close(m.ndcg_10, 0.36999401273810767);
        close(reciprocal_rank(&["d2", "d1"], &j, 1), 0.0);
        close(reciprocal_rank(&["d2", "d1"], &j, 2), 0.5);
    }

    /// Run [d1, d1, d3] is read as [d1, d3]: DCG = 2/1 + 1/log2(3) = 2.6309297535714575,
    /// nDCG = 2.6309297535714575 / 4.7618595071429148 = 0.5525004989384911;
    /// AP = (1/1 + 2/2) / 3 = 2/3; recall = 2/3, not 1.
    #[test]
    fn an_id_repeated_in_a_run_counts_once() {
        let j = judged(&[("d1", 2.0), ("d3", 1.0), ("d4", 3.0)]);
        let m = Measures::of(&["d1", "d1", "d3"], &j, 100);
        close(m.ndcg_10, 0.5525004989384911);
        close(m.ap, 2.0 / 3.0);
        close(m.recall, 2.0 / 3.0);
        close(m.rr_10, 1.0);
        // Depth counts distinct ids: at depth 2, d3 is still in.
        close(recall(&["d1", "d1", "d3"], &j, 2), 2.0 / 3.0);
    }

    /// The ideal ranking takes the k best gains: 12 relevant of grade 1 → IDCG@10 sums the
    /// first 10 discounts only, so retrieving 10 of them is a perfect nDCG@10.
    #[test]
    fn the_ideal_ranking_is_cut_at_k() {
        let ids: Vec<String> = (0..12).map(|i| format!("d{i}")).collect();
        let j: Judgements = ids.iter().map(|id| (id.clone(), 1.0)).collect();
        close(ndcg(&ids[..10], &j, 10), 1.0);
        close(recall(&ids[..10], &j, 100), 10.0 / 12.0);
    }

    #[test]
    fn means_average_each_measure() {
        let a = Measures { ndcg_10: 1.0, ap: 0.5, recall: 1.0, rr_10: 1.0 };
        let b = Measures { ndcg_10: 0.0, ap: 0.25, recall: 0.5, rr_10: 0.5 };
        assert_eq!(Measures::mean([&a, &b]), Measures { ndcg_10: 0.5, ap: 0.375, recall: 0.75, rr_10: 0.75 });
        assert_eq!(Measures::mean([]), Measures::default());
    }
}
