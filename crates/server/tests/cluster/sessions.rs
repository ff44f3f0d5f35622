//! Sessions ended from the session list on one instance are refused by every other within the
//! propagation bound, as a logout is: one session, all but the caller's, or all of a user's.

use crate::cluster::{Cluster, Instance};
use crate::support::client::refused;
use crate::{on_each_feed, refused_by_the_others_within_bound};

async fn rejected_everywhere_within_bound(c: &Cluster, token: &str, what: &str) {
    let refused = async |node: &Instance| refused(&node.validate(token).await) == Some(401);
    refused_by_the_others_within_bound(c, what, refused).await;
}

async fn accepted_everywhere(c: &Cluster, token: &str) {
    for node in &c.nodes {
        node.validate(token).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ended_sessions_are_refused_by_every_instance_within_the_bound() {
    on_each_feed(async |c: &Cluster, _: bool| {
        let (a, b) = (&c.nodes[0], &c.nodes[1]);
        let (ended, _) = b.login("guest", "guest").await;
        let (other, _) = b.login("guest", "guest").await;
        let (keeper, _) = a.login("guest", "guest").await;
        for token in [&ended, &other, &keeper] {
            accepted_everywhere(c, token).await;
        }

        // One session, ended from the list on A.
        let guest = a.bearer(&keeper).await;
        let list = guest.list_sessions().await.unwrap().sessions;
        assert_eq!(list.len(), 3, "{list:?}");
        let id = &list[2].id;
        guest.revoke_session(id).await.unwrap();
        rejected_everywhere_within_bound(c, &ended, "a session ended from the list").await;
        accepted_everywhere(c, &other).await;

        // All but the caller's.
        assert_eq!(guest.revoke_other_sessions().await.unwrap().revoked, 1);
        rejected_everywhere_within_bound(c, &other, "the other sessions").await;
        accepted_everywhere(c, &keeper).await;

        // All of a user's, by an admin.
        let (admin, _) = a.login("admin", "admin").await;
        let done = a.bearer(&admin).await.revoke_user_sessions("guest").await;
        assert_eq!(done.unwrap().revoked, 1);
        rejected_everywhere_within_bound(c, &keeper, "a user's sessions").await;
        accepted_everywhere(c, &admin).await;
    })
    .await;
}
