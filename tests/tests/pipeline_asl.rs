//! The pipeline's state machine definition against the code: the error names it retries and
//! catches are exactly the failure names the steps raise, and every step can fail into the
//! failure report.
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::Value;
use tuilerie_core::error::FailureName;

const ASL: &str = include_str!("../../infra/pipeline.asl.json");

fn definition() -> Value {
    serde_json::from_str(ASL).expect("the state machine definition is JSON")
}

/// Every state of the definition, Map iterators included: (name, state).
fn states(machine: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(states) = machine["States"].as_object() {
        for (name, state) in states {
            out.push((name.clone(), state.clone()));
            for inner in ["ItemProcessor", "Iterator"] {
                if state.get(inner).is_some() {
                    out.extend(self::states(&state[inner]));
                }
            }
        }
    }
    out
}

fn error_names(state: &Value, field: &str) -> Vec<String> {
    state[field]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|rule| rule["ErrorEquals"].as_array().cloned().unwrap_or_default())
        .filter_map(|name| name.as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_error_names_of_the_state_machine_and_of_the_code_are_one_set() {
    let machine = definition();
    let mut named = BTreeSet::new();
    for (_, state) in states(&machine) {
        for field in ["Retry", "Catch"] {
            named.extend(
                error_names(&state, field)
                    .into_iter()
                    .filter(|n| !n.starts_with("States.") && !n.starts_with("Lambda.")),
            );
        }
    }
    let code: BTreeSet<String> = FailureName::ALL
        .iter()
        .map(|n| n.as_str().to_string())
        .collect();
    assert_eq!(named, code);
}

#[test]
fn transient_failures_are_retried_with_backoff_in_every_step() {
    for (name, state) in states(&definition()) {
        if state["Type"] != "Task" {
            continue;
        }
        let retry = state["Retry"].as_array().expect("every task retries");
        let transient = retry
            .iter()
            .find(|r| {
                r["ErrorEquals"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|n| n == "Transient"))
            })
            .unwrap_or_else(|| panic!("{name} does not retry Transient"));
        assert!(
            transient["BackoffRate"].as_f64().unwrap_or(1.0) > 1.0,
            "{name}"
        );
        assert!(
            transient["MaxAttempts"].as_u64().unwrap_or(0) >= 2,
            "{name}"
        );
    }
}

#[test]
fn every_step_but_the_report_itself_fails_into_the_failure_report() {
    let machine = definition();
    let top = machine["States"].as_object().expect("states");
    for (name, state) in top {
        if !matches!(state["Type"].as_str(), Some("Task" | "Map")) || name == "ReportFailure" {
            continue;
        }
        let catch = state["Catch"].as_array().expect("every step catches");
        let last = catch.last().expect("a catch rule");
        assert_eq!(last["ErrorEquals"][0], "States.ALL", "{name}");
        assert!(
            catch.iter().all(|c| c["Next"] == "ReportFailure"),
            "{name} must go to ReportFailure"
        );
        assert_eq!(last["ResultPath"], "$.failure", "{name} keeps its input");
    }
    assert_eq!(top["ReportFailure"]["Next"], "Failed");
}
