//! API keys end to end: who am I, create a key, cap it, list keys, and delete the key again.
//!
//! Run with `OPENROUTER_MANAGEMENT_KEY=... cargo run -p openrouter-mgmt --example keys`.

use futures::TryStreamExt;
use openrouter_mgmt::{Client, KeyUpdate, NewKey};

#[tokio::main]
async fn main() -> Result<(), openrouter_mgmt::Error> {
    let client = Client::from_env()?;

    let me = client.keys().current().await?;
    println!(
        "authenticated as {} (management key: {})",
        me.label, me.is_management_key
    );

    // The plaintext is returned once; `created.key` never prints itself.
    let created = client
        .keys()
        .create(NewKey::new("openrouter-mgmt example").limit(1.0))
        .await?;
    println!(
        "created {} ({}); plaintext: {}",
        created.data.name, created.data.hash, created.key
    );
    let hash = created.data.hash.clone();

    // Raise the limit, then remove it: `clear_limit` sends `"limit": null`.
    client
        .keys()
        .update(&hash, KeyUpdate::new().limit(2.0))
        .await?;
    let updated = client
        .keys()
        .update(&hash, KeyUpdate::new().clear_limit())
        .await?;
    println!("limit now {:?}", updated.limit);

    // Keys stream page by page (100 per request), the next page prefetched.
    let mut keys = std::pin::pin!(client.keys().list().items());
    while let Some(key) = keys.try_next().await? {
        println!("{:>12}  {}", key.hash, key.name);
    }

    let deleted = client.keys().delete(&hash).await?;
    println!("deleted: {deleted}");
    Ok(())
}
