//! The test kit shared by every module of this binary: the demo world, the binary run as a
//! command, the web server called in-process or over loopback, log capture, and the fault
//! tests' in-process service on a scaled clock.

pub mod admin;
pub mod binary;
pub mod browser;
pub mod certificates;
pub mod faults;
pub mod http;
pub mod logs;
pub mod world;
