//! Shared by the native and the browser story tests.

#![allow(dead_code, unreachable_pub)]

pub mod story;
