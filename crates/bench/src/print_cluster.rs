//! The multi-instance section of the report.

use crate::cluster::ClusterReport;
use crate::report::ms;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n => sorted[((n as f64 - 1.0) * p).round() as usize],
    }
}

pub fn print(c: &ClusterReport) {
    if let Some(why) = &c.missing {
        println!("tessera on PostgreSQL: n/a: {why}");
        return;
    }
    println!(
        "tessera on PostgreSQL (all instances on this machine's 2 CPUs, beside PostgreSQL, whose \
         CPU counts under others; connections spread evenly over the instances):"
    );
    println!(
        "{:>9} | {:>10} {:>7} {:>5} | {:>9} {:>7} {:>5} | {:>7}",
        "instances", "validate/s", "p99 ms", "err", "refresh/s", "p99 ms", "err", "others"
    );
    for r in &c.rows {
        let (v, f) = (&r.validation, &r.refresh);
        println!(
            "{:>9} | {:>10.0} {:>7} {:>5} | {:>9.0} {:>7} {:>5} | {:>6.0}%",
            r.instances,
            v.rps,
            ms(v.p99_ms),
            v.errors,
            f.rps,
            ms(f.p99_ms),
            f.errors,
            100.0 * f.cpu.others.max(v.cpu.others),
        );
    }
    for p in &c.propagation {
        println!(
            "Revocation delay by {}: a logout answered by one of 3 instances was refused by \
             each other one after p50 {} ms, p99 {} ms, max {} ms ({} measurements, {} still \
             accepted after 5 s).",
            p.feed,
            ms(percentile(&p.samples, 0.5)),
            ms(percentile(&p.samples, 0.99)),
            ms(percentile(&p.samples, 1.0)),
            p.samples.len(),
            p.missed
        );
    }
}
