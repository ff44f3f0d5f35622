//! Password changes across instances: the sessions a change ends are refused by every instance
//! within the bound, and a cleared must-change reaches the instance that refreshes next.

use tokio::sync::Mutex;

use crate::cluster::{wait_until, Cluster, Instance};
use crate::support::client::{code, refused};
use crate::{on_each_feed, refused_by_the_others_within_bound, PROPAGATION_BOUND};
use tessera_api::ErrorCode;

const STRONG: &str = "ochre harbour lantern";
const STRONGER: &str = "violet quarry compass";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_on_one_instance_ends_the_other_sessions_on_all_within_the_bound() {
    on_each_feed(async |c: &Cluster, redis: bool| {
        let (a, b) = (&c.nodes[0], &c.nodes[1]);
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        admin.register("dora", "Dora", STRONG).await.unwrap();
        let dora = a.client();
        dora.login("dora", STRONG).await.unwrap();
        let (other, _) = b.login("dora", STRONG).await;
        for node in &c.nodes {
            node.validate(&other).await.unwrap();
        }
        let changed = dora.change_password(STRONG, STRONGER, false).await.unwrap();
        assert_eq!(changed.revoked_sessions, 1);
        assert_eq!(refused(&a.validate(&other).await), Some(401));
        let what = format!("password change (redis: {redis})");
        let gone = async |node: &Instance| refused(&node.validate(&other).await) == Some(401);
        refused_by_the_others_within_bound(c, &what, gone).await;
        let kept = dora.tokens().await.unwrap().access_token;
        for node in &c.nodes {
            node.validate(&kept).await.unwrap();
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_must_change_cleared_on_one_instance_is_seen_by_the_next_refresh_on_another() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let (a, b, cc) = (&c.nodes[0], &c.nodes[1], &c.nodes[2]);
        let admin = a.client();
        admin.login("admin", "admin").await.unwrap();
        admin.register("erin", "Erin", STRONG).await.unwrap();
        admin
            .reset_password("erin", Some(STRONGER), None)
            .await
            .unwrap();
        let (access, refresh) = b.login("erin", STRONGER).await;
        // Every instance refuses the session's token, and caches erin's profile doing so.
        for node in &c.nodes {
            let got = node.validate(&access).await;
            assert_eq!(code(&got), Some(ErrorCode::PasswordChangeRequired));
        }
        let refreshed = cc.anonymous.refresh_token(&refresh).await.unwrap();
        let got = cc.validate(&refreshed.access_token).await;
        assert_eq!(code(&got), Some(ErrorCode::PasswordChangeRequired));

        let erin = b.bearer(&access).await;
        erin.change_password(STRONGER, STRONG, false).await.unwrap();
        // The third instance forgets the cached flag: its next refresh gives a normal token.
        let latest = Mutex::new(refreshed.refresh_token);
        let normal = wait_until(PROPAGATION_BOUND * 4, || async {
            let mut latest = latest.lock().await;
            let pair = cc.anonymous.refresh_token(&latest).await.unwrap();
            *latest = pair.refresh_token;
            cc.validate(&pair.access_token).await.is_ok()
        })
        .await;
        let took = normal.expect("the cleared flag never reached the third instance");
        assert!(took <= PROPAGATION_BOUND, "took {took:?}");
    })
    .await;
}
