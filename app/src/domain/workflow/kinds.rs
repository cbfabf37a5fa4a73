//! The built-in workflow types: the 12 customer and 12 partner workflows the command centre
//! tracks, under snake_case ids of their names. An ingest record with another `type` becomes
//! a custom type on first use ([`type_id`] normalises it).

use super::Audience;

/// A built-in workflow type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub id: &'static str,
    pub name: &'static str,
    pub audience: Audience,
    pub description: &'static str,
}

const fn c(id: &'static str, name: &'static str, description: &'static str) -> Kind {
    Kind {
        id,
        name,
        audience: Audience::Customer,
        description,
    }
}

const fn p(id: &'static str, name: &'static str, description: &'static str) -> Kind {
    Kind {
        id,
        name,
        audience: Audience::Partner,
        description,
    }
}

/// Every built-in type, customer workflows first.
#[rustfmt::skip]
pub const BUILT_IN: [Kind; 24] = [
    c("customer_onboarding", "Customer onboarding", "From signed contract to a customer using the product on their own: kickoff, set-up, data migration, training."),
    c("support_ticket_management", "Support ticket management", "Escalated or multi-step support cases tracked beyond a single ticket."),
    c("product_service_delivery", "Product/service delivery", "Delivering what a customer bought: provisioning, shipping, installation, go-live."),
    c("feedback_collection", "Feedback collection", "Survey and interview programmes that gather customers' views."),
    c("complaint_resolution", "Complaint resolution", "A formal complaint from intake to a resolution the customer accepts."),
    c("account_management", "Account management", "Recurring account reviews, health checks and success plans."),
    c("renewals", "Renewals", "Contract renewals from the first notice to signature."),
    c("upsell_cross_sell_campaigns", "Upsell/cross-sell campaigns", "Campaigns offering existing customers more or other products."),
    c("loyalty_programs", "Loyalty programs", "Enrolment, rewards and tier reviews of loyalty schemes."),
    c("satisfaction_monitoring", "Satisfaction monitoring", "Follow-up on low scores: detractor call-backs and recovery plans."),
    c("experience_improvement", "Experience improvement", "Projects that fix a pain point found in feedback or journey data."),
    c("billing_and_payments", "Billing and payments", "Invoice disputes, refunds, payment plans and billing changes."),
    p("partner_onboarding", "Partner onboarding", "From a signed agreement to a partner able to sell and support: set-up, portal access, first deal."),
    p("relationship_management", "Relationship management", "Quarterly business reviews and the partner's account plan."),
    p("contract_negotiation_and_management", "Contract negotiation and management", "Drafting, negotiating, signing and amending partner agreements."),
    p("training_and_certification", "Training and certification", "Courses and exams a partner's staff complete to be certified."),
    p("performance_monitoring", "Performance monitoring", "Reviews of a partner's scorecard and the actions they lead to."),
    p("lead_distribution", "Lead distribution", "Routing leads to partners and following them to acceptance."),
    p("co_marketing_campaigns", "Co-marketing campaigns", "Campaigns planned and funded together with a partner."),
    p("joint_business_planning", "Joint business planning", "The yearly plan of targets and investments agreed with a partner."),
    p("revenue_sharing_and_commissions", "Revenue sharing and commissions", "Computing, approving and paying partner commissions."),
    p("partner_feedback_collection", "Feedback collection (partners)", "Partner satisfaction surveys and advisory-board feedback."),
    p("dispute_resolution", "Dispute resolution", "A disagreement with a partner, from report to settlement."),
    p("partner_enablement", "Partner enablement", "Sales kits, demo environments and playbooks handed to partners."),
];

/// The built-in type `id`, if it is one.
pub fn built_in(id: &str) -> Option<&'static Kind> {
    BUILT_IN.iter().find(|k| k.id == id)
}

/// The snake_case id of a type name: lower case, every run of other characters than ASCII
/// letters and digits one `_`, none at the ends (`"Customer Onboarding"` →
/// `customer_onboarding`). `None` when nothing is left.
pub fn type_id(name: &str) -> Option<String> {
    let mut id = String::with_capacity(name.len());
    for ch in name.trim().chars() {
        if ch.is_ascii_alphanumeric() {
            id.push(ch.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('_') {
            id.push('_');
        }
    }
    while id.ends_with('_') {
        id.pop();
    }
    (!id.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_ids_are_the_snake_case_of_their_names_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in BUILT_IN {
            assert!(seen.insert(k.id), "{} twice", k.id);
            assert_eq!(type_id(k.id).as_deref(), Some(k.id));
        }
        assert_eq!(
            BUILT_IN
                .iter()
                .filter(|k| k.audience == Audience::Partner)
                .count(),
            12
        );
        assert_eq!(
            type_id("Customer Onboarding").as_deref(),
            Some("customer_onboarding")
        );
        assert_eq!(
            type_id("Upsell/Cross-sell campaigns").as_deref(),
            Some("upsell_cross_sell_campaigns")
        );
        assert_eq!(type_id(" -- ").as_deref(), None);
        assert_eq!(type_id("Beta: 2 ").as_deref(), Some("beta_2"));
    }
}
