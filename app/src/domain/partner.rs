//! Partner experience: the partner registry, partner activity (engagement, trainings,
//! communications, leads and deals), inventory snapshots, and the partner metrics built on
//! them and on orders and partner surveys. Pure: validation and formulas only.

pub mod activity;
pub mod index;
pub mod inventory;
pub mod registry;
pub mod sample;

pub use activity::{ActivityInput, ActivityKind, ActivityRecord, DealRecord, DealStage, Medium};
pub use index::{IndexInputs, IndexWeights};
pub use inventory::{InventoryInput, InventorySnapshot};
pub use registry::{PartnerInput, PartnerRecord, PartnerStatus};
