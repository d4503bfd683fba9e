//! States × topics grid of the current results (matrix and comparison views).

use crate::model::Index;

/// One cell per (State, topic): the first result row coding that State's stance on that topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub states: Vec<u16>,
    pub topics: Vec<u16>,
    /// Row ids, `states.len() × topics.len()`, State-major.
    cells: Vec<Option<u32>>,
}

impl Matrix {
    /// States and topics that have at least one coded row among `rows`, in index order.
    pub fn build(index: &Index, rows: &[u32]) -> Matrix {
        let mut has_state = vec![false; index.states.len()];
        let mut has_topic = vec![false; index.topics.len()];
        for r in rows.iter().filter_map(|r| index.rows.get(*r as usize)) {
            if let Some(t) = r.topic {
                has_state[r.state as usize] = true;
                has_topic[t as usize] = true;
            }
        }
        let present =
            |v: Vec<bool>| -> Vec<u16> { (0..v.len() as u16).filter(|i| v[*i as usize]).collect() };
        Matrix::with_states(index, rows, present(has_state), present(has_topic))
    }

    /// A grid over chosen States (kept even when empty, for the comparison view) and topics.
    pub fn with_states(index: &Index, rows: &[u32], states: Vec<u16>, topics: Vec<u16>) -> Matrix {
        let mut state_pos = vec![usize::MAX; index.states.len()];
        for (i, s) in states.iter().enumerate() {
            if let Some(p) = state_pos.get_mut(*s as usize) {
                *p = i;
            }
        }
        let mut topic_pos = vec![usize::MAX; index.topics.len()];
        for (i, t) in topics.iter().enumerate() {
            if let Some(p) = topic_pos.get_mut(*t as usize) {
                *p = i;
            }
        }
        let mut cells = vec![None; states.len() * topics.len()];
        for &id in rows {
            let Some(r) = index.rows.get(id as usize) else {
                continue;
            };
            let Some(t) = r.topic else { continue };
            let (s, t) = (state_pos[r.state as usize], topic_pos[t as usize]);
            if s != usize::MAX && t != usize::MAX {
                cells[s * topics.len() + t].get_or_insert(id);
            }
        }
        Matrix {
            states,
            topics,
            cells,
        }
    }

    /// Topics with a coded row among `rows` for any of `states` (comparison view).
    pub fn compare(index: &Index, rows: &[u32], states: &[u16]) -> Matrix {
        let mut has_topic = vec![false; index.topics.len()];
        for r in rows.iter().filter_map(|r| index.rows.get(*r as usize)) {
            if let (Some(t), true) = (r.topic, states.contains(&r.state)) {
                has_topic[t as usize] = true;
            }
        }
        let topics = (0..has_topic.len() as u16)
            .filter(|t| has_topic[*t as usize])
            .collect();
        Matrix::with_states(index, rows, states.to_vec(), topics)
    }

    /// The row for the `s`-th State and `t`-th topic of this grid.
    pub fn cell(&self, s: usize, t: usize) -> Option<u32> {
        if s < self.states.len() && t < self.topics.len() {
            self.cells[s * self.topics.len() + t]
        } else {
            None
        }
    }
}
