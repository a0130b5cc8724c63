#include "engine/model/pathway_check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parcours::model {
namespace {

Service make_service(std::string name, double age_limit = std::numeric_limits<double>::infinity()) {
  Service s;
  s.name = std::move(name);
  s.capacity = {10};
  s.age_limit_years = age_limit;
  return s;
}

Branch to(Action action, ServiceId target, double p = 1.0) { return {p, action, target}; }

// B1's shape: IME (limit 20) -> move ADULT at the limit; SESSAD (limit 18) -> 30 % IME.
Model b1_like() {
  Model m;
  m.territories = {home_territory("D0", "D0", 1.0)};
  Service adult = make_service("ADULT");
  Service ime = make_service("IME", 20.0);
  ime.on_age_limit = {to(Action::kMove, 0)};
  Service sessad = make_service("SESSAD", 18.0);
  sessad.on_stay_end = {to(Action::kOrient, 1, 0.3), Branch{0.7, Action::kLeave, kNoService}};
  m.services = {adult, ime, sessad};
  m.arrivals.rate_per_year = 100.0;
  m.arrivals.age_years = core::Distribution::uniform(3.0, 16.0);
  m.arrivals.orientation = {0.0, 0.45, 0.55};
  return m;
}

TEST(PathwayCheck, B1ShapeIsConsistent) { EXPECT_TRUE(check_pathways(b1_like()).empty()); }

TEST(PathwayCheck, APlanStepThatOnlySendsChildrenPastTheTargetsAgeLimitIsReported) {
  Model m = b1_like();
  m.plans.review_month = 9;
  PlanStep step;
  step.name = "ime_to_sessad";
  step.from = 1;
  step.target = 2;  // SESSAD stops at 18
  step.probability = 0.1;
  step.min_age_years = 6.0;
  step.max_age_years = 16.0;
  m.plans.steps = {step};
  EXPECT_TRUE(check_pathways(m).empty());
  m.plans.steps[0].min_age_years = 18.0;
  m.plans.steps[0].max_age_years = 19.0;
  const auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "plans.steps[0].to");
  EXPECT_NE(problems[0].message.find("plan step \"ime_to_sessad\" (from \"IME\") sends people to "
                                     "\"SESSAD\" only at ages >= 18"),
            std::string::npos)
      << problems[0].message;
  // Without reviews the step is never taken: nothing to report.
  m.plans.review_month = 0;
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, APlanStepIsAPathOutOfALoop) {
  Model m = b1_like();
  m.services[0].on_stay_end = {to(Action::kOrient, 1)};  // ADULT -> IME
  m.services[1].on_age_limit = {to(Action::kMove, 0)};   // IME -> ADULT at 20
  m.services[1].on_stay_end = {to(Action::kOrient, 0)};  // IME -> ADULT
  ASSERT_EQ(check_pathways(m).size(), 2u);
  m.plans.review_month = 9;
  PlanStep step;
  step.name = "ime_to_sessad";
  step.from = 1;
  step.target = 2;  // SESSAD leaves the sector
  step.probability = 0.1;
  m.plans.steps = {step};
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, LoopWithoutLeaveIsReportedForEveryServiceInIt) {
  Model m = b1_like();
  m.services[0].on_stay_end = {to(Action::kOrient, 1)};  // ADULT -> IME
  m.services[1].on_age_limit = {to(Action::kMove, 0)};   // IME -> ADULT at 20
  m.services[1].on_stay_end = {to(Action::kOrient, 0)};  // IME -> ADULT
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].key, "services.ADULT.on_stay_end");
  EXPECT_NE(problems[0].message.find("can never leave the sector"), std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message.find("{\"ADULT\", \"IME\"}"), std::string::npos)
      << problems[0].message;
  EXPECT_EQ(problems[1].key, "services.IME.on_stay_end");
}

TEST(PathwayCheck, ZeroProbabilityLeaveDoesNotCountAsAnExit) {
  Model m = b1_like();
  m.services[0].on_stay_end = {to(Action::kOrient, 0, 1.0),
                               Branch{0.0, Action::kLeave, kNoService}};
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "services.ADULT.on_stay_end");
}

TEST(PathwayCheck, AgeLimitLeaveIsAnExitEvenWhenStayEndsLoop) {
  Model m = b1_like();
  m.services[2].on_stay_end = {to(Action::kOrient, 2)};  // SESSAD -> SESSAD, leaves at 18
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, UnreachableServiceIsNotAProblem) {
  Model m = b1_like();
  m.arrivals.orientation = {0.0, 0.0, 1.0};
  m.services[2].on_stay_end = {Branch{}};
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, MinAgeAtOrAboveAgeLimitIsAnEmptyAgeBand) {
  Model m = b1_like();
  m.services[2].min_age_years = 18.0;
  auto problems = check_pathways(m);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].key, "services.SESSAD.age_limit_years");
  EXPECT_NE(problems[0].message.find("empty age band"), std::string::npos);
}

TEST(PathwayCheck, MoveAtAgeLimitIntoAYoungerServiceIsReportedAtTheBranchTarget) {
  Model m = b1_like();
  m.services[1].on_age_limit = {to(Action::kMove, 2)};  // IME at 20 -> SESSAD (limit 18)
  m.arrivals.orientation = {0.0, 1.0, 0.0};             // nobody else enters SESSAD
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "services.IME.on_age_limit[0].to");
  EXPECT_EQ(problems[0].message,
            "\"IME\" (on_age_limit) sends people to \"SESSAD\" only at ages >= 20 years, but its "
            "age_limit_years is 18: none of them can enter \"SESSAD\"");
}

TEST(PathwayCheck, DeadBranchIsReportedEvenWhenOthersEnterTheTarget) {
  Model m = b1_like();
  m.services[1].on_age_limit = {to(Action::kMove, 2)};  // IME at 20 -> SESSAD; arrivals too
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "services.IME.on_age_limit[0].to");
}

TEST(PathwayCheck, StayEndBranchIsDeadOnlyWhenAllItsAgesAreTooOld) {
  Model m = b1_like();
  m.services[0].on_stay_end = {to(Action::kOrient, 1, 0.5),
                               Branch{0.5, Action::kLeave, kNoService}};
  m.services[0].initial.share_of_places = 1.0;  // ADULT occupants are 20 and older
  m.services[0].initial.age_years = core::Distribution::uniform(20.0, 60.0);
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "services.ADULT.on_stay_end[0].to");
  m.services[0].initial.age_years = core::Distribution::uniform(19.0, 60.0);
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, ArrivalsOlderThanTheAgeLimitAreReportedAtTheOrientation) {
  Model m = b1_like();
  m.arrivals.age_years = core::Distribution::uniform(18.0, 19.0);
  m.arrivals.orientation = {0.0, 0.5, 0.5};
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "arrivals.orientation.SESSAD");
}

TEST(PathwayCheck, BadTargetIsReportedBeforeGraphChecks) {
  Model m = b1_like();
  m.services[0].on_stay_end = {to(Action::kOrient, 7)};
  auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].key, "services.ADULT.on_stay_end[0].to");
}

TEST(PathwayCheck, KeySegmentQuotesNamesThatAreNotBareKeys) {
  EXPECT_EQ(key_segment("IME"), "IME");
  EXPECT_EQ(key_segment("foyer-de_vie2"), "foyer-de_vie2");
  EXPECT_EQ(key_segment("Foyer de vie"), "\"Foyer de vie\"");
  EXPECT_EQ(key_segment("a\"b"), "\"a\\\"b\"");
  EXPECT_EQ(key_segment(""), "\"\"");
}

}  // namespace
}  // namespace parcours::model

namespace parcours::model {
namespace {

TEST(PathwayCheck, AnAlternativeInBothAgeBandsIsConsistent) {
  Model m = b1_like();
  m.services[1].alternative = 2;  // IME (to 20), SESSAD meanwhile (to 18)
  EXPECT_TRUE(check_pathways(m).empty());
}

TEST(PathwayCheck, AnAlternativeNoWaitingChildIsOfAgeForIsReported) {
  Model m = b1_like();
  m.services[1].min_age_years = 14.0;
  m.services[2].age_limit_years = 12.0;  // SESSAD stops before anyone joins IME's list
  m.services[1].alternative = 2;
  const auto problems = check_pathways(m);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].key, "services.IME.alternative");
  EXPECT_NE(problems[0].message.find("no child waiting for \"IME\" is of age for its alternative"),
            std::string::npos)
      << problems[0].message;
}

}  // namespace
}  // namespace parcours::model
