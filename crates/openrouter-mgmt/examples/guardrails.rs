//! Guardrails end to end: create one, assign keys and members in bulk, list assignments, clear its budget,
//! and delete it.
//!
//! Run with `OPENROUTER_MANAGEMENT_KEY=... cargo run -p openrouter-mgmt --example guardrails -- <key-hash>...`.

use openrouter_mgmt::open_enums::GuardrailInterval;
use openrouter_mgmt::{CallOptions, Client, GuardrailUpdate, KeyHash, NewGuardrail};

#[tokio::main]
async fn main() -> Result<(), openrouter_mgmt::Error> {
    let client = Client::from_env()?;
    let hashes = std::env::args()
        .skip(1)
        .map(KeyHash::new)
        .collect::<Result<Vec<_>, _>>()?;

    let guardrail = client
        .guardrails()
        .create(
            NewGuardrail::new("openrouter-mgmt example")
                .description("created by the guardrails example")
                .limit_usd(5.0)
                .reset_interval(GuardrailInterval::Monthly)
                .allowed_providers(["anthropic", "openai"]),
        )
        .await?;
    let id = guardrail.id;
    println!("created guardrail {id}");

    if !hashes.is_empty() {
        // Deduplicated and sent in chunks of 50; a failing chunk says which hashes were applied.
        let outcome = client
            .with_options(CallOptions::new().bulk_chunk_size(50))
            .guardrails()
            .assign_keys(id, hashes.clone())
            .await?;
        println!(
            "assigned {} key(s) in {} request(s)",
            outcome.count, outcome.chunks
        );
    }

    let assigned = client
        .guardrails()
        .guardrail_key_assignments(id)
        .collect_all()
        .await?;
    for a in &assigned {
        println!("  {} ({})", a.key_name, a.key_hash);
    }
    let everything = client
        .guardrails()
        .key_assignments()
        .page_size(100)?
        .concurrency(4)?
        .collect_all()
        .await?;
    println!(
        "{} key assignment(s) across all guardrails",
        everything.len()
    );

    // Remove the budget: `clear_limit_usd` sends `"limit_usd": null`.
    let updated = client
        .guardrails()
        .update(id, GuardrailUpdate::new().clear_limit_usd())
        .await?;
    println!("limit_usd now {:?}", updated.limit_usd);

    if !hashes.is_empty() {
        client.guardrails().unassign_keys(id, hashes).await?;
    }
    println!("deleted: {}", client.guardrails().delete(id).await?);
    Ok(())
}
