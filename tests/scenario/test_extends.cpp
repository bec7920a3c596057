// Scenarios that extend others and take --set overrides: the merge rules (docs/model.md,
// "Scenario files"), errors that point into the right file of the chain, cycles, missing
// parents, and overrides that equal the edited file.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "errors.hpp"
#include "scenario/model_spec_builder.hpp"
#include "scenario/scenario_loader.hpp"
#include "support/test_support.hpp"

namespace rr {
namespace {

namespace fs = std::filesystem;

/// A parent scenario: two materials, two regimes, one event, two plants, two segments and a
/// stockpile. Line numbers matter to the tests below (the first line is line 1).
const char* kGrand = R"([run]
start = "2026-11-10"
horizon_days = 400
paths = 1000
seed = 7
allocation = "priority"

[[material]]
name = "Dy"
china_baseline_t_per_year = 1200
shipping_days = 45

[[material]]
name = "Tb"
china_baseline_t_per_year = 400

[[regime]]
name = "truce"
initial_probability = 1.0
throttle = { Dy = 0.8, Tb = 0.65 }
transition = { truce = 0.98, escalated = 0.02 }

[[regime]]
name = "escalated"
throttle = { Dy = 0.05, Tb = 0.05 }

[[event]]
name = "rules_return"
date = "2026-12-01"
to = "escalated"
probability = 0.35

[[plant]]
name = "alpha"
planned_start = "2026-01-01"
output_t_per_year = { Dy = 100 }
cancel_probability = 0.1
delay_months = { dist = "lognormal", median = 15, sigma = 0.6 }

[[plant]]
name = "beta"
planned_start = "2027-06-01"
output_t_per_year = { Tb = 20 }

[[segment]]
name = "defense"
defense = true
priority = 1
demand_t_per_year = { Dy = 30, Tb = 10 }
cover_days = { dist = "triangular", min = 60, mode = 90, max = 180 }
target_cover_days = 120

[[segment]]
name = "auto"
priority = 2
demand_t_per_year = { Dy = 400, Tb = 100 }
demand_cv = 0.1
cover_days = 40
target_cover_days = 60

[stockpile]
participants = ["defense"]
cover_days = 60
release_below_days = 14
max_release_t_per_day = { Dy = 1.0, Tb = 0.3 }
)";

/// A fresh folder for one test's files, removed afterwards.
class ExtendsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/reerisk-extends-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
    return path;
  }

  /// The message of the InputError that loading @p path throws ("" when it loads).
  static std::string error_of(const std::string& path, const std::vector<std::string>& sets = {}) {
    try {
      load_scenario_file(path, sets);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  std::string dir_;
};

TEST_F(ExtendsTest, AChainOfThreeFilesMergesChildOverParent) {
  write("grand.toml", kGrand);
  write("sub/parent.toml", "extends = \"../grand.toml\"\n[run]\nhorizon_days = 500\n");
  const std::string child =
      write("sub/deeper/child.toml",
            "extends = \"../parent.toml\"   # relative to this file\n[stockpile]\ncover_days = 90\n");
  const Scenario sc = load_scenario_file(child);
  EXPECT_EQ(sc.horizon_days, 500);           // from the parent
  ASSERT_TRUE(sc.stockpile.has_value());
  EXPECT_EQ(sc.stockpile->cover_days[0], 90);   // from the child
  EXPECT_EQ(sc.stockpile->release_below_days, 14);  // kept from the grandparent
  EXPECT_EQ(sc.seed, 7u);
  ASSERT_EQ(sc.files.size(), 3u);
  EXPECT_EQ(sc.files[0], child);
  EXPECT_NE(sc.files[2].find("grand.toml"), std::string::npos);
  // The stored text stands alone: it loads as the same scenario without the files.
  EXPECT_EQ(sc.text.find("\nextends"), std::string::npos);  // named only in the comment
  const Scenario again = load_scenario_text(sc.text, "elsewhere/copy.toml");
  EXPECT_EQ(again.horizon_days, 500);
  EXPECT_EQ(again.stockpile->cover_days[0], 90);
}

TEST_F(ExtendsTest, AChildOverridesOnePlantFieldAndAppendsASegment) {
  write("grand.toml", kGrand);
  const std::string child = write("child.toml", R"(extends = "grand.toml"
[[plant]]
name = "alpha"
cancel_probability = 0.5

[[segment]]
name = "japan"
priority = 3
demand_t_per_year = { Dy = 50, Tb = 10 }
cover_days = 120
target_cover_days = 120
)");
  const Scenario sc = load_scenario_file(child);
  ASSERT_EQ(sc.plants.size(), 2u);
  EXPECT_EQ(sc.plants[0].name, "alpha");
  EXPECT_DOUBLE_EQ(sc.plants[0].cancel_probability, 0.5);       // the child's key
  EXPECT_EQ(sc.plants[0].delay_months.kind, DistKind::kLognormal);  // the parent's keys stay
  EXPECT_DOUBLE_EQ(sc.plants[0].delay_months.p0, 15);
  EXPECT_DOUBLE_EQ(sc.plants[0].output_t_per_year[0], 100);
  ASSERT_EQ(sc.segments.size(), 3u);
  EXPECT_EQ(sc.segments[2].name, "japan");  // a new name is appended
  EXPECT_EQ(sc.segments[0].name, "defense");
}

TEST_F(ExtendsTest, InlineTablesReplaceWhole) {
  write("grand.toml", kGrand);
  const std::string child = write("child.toml",
                                  "extends = \"grand.toml\"\n[[plant]]\nname = \"alpha\"\n"
                                  "delay_months = { dist = \"fixed\", value = 3 }\n");
  const Scenario sc = load_scenario_file(child);
  EXPECT_EQ(sc.plants[0].delay_months.kind, DistKind::kFixed);
  EXPECT_DOUBLE_EQ(sc.plants[0].delay_months.p0, 3);
}

TEST_F(ExtendsTest, DropRemovesAnInheritedEntryOrSection) {
  write("grand.toml", kGrand);
  const std::string child = write("child.toml", R"(extends = "grand.toml"
[[plant]]
name = "alpha"
drop = true

[[event]]
name = "rules_return"
drop = true

[stockpile]
drop = true
)");
  const Scenario sc = load_scenario_file(child);
  ASSERT_EQ(sc.plants.size(), 1u);
  EXPECT_EQ(sc.plants[0].name, "beta");
  EXPECT_TRUE(sc.events.empty());
  EXPECT_FALSE(sc.stockpile.has_value());
}

TEST_F(ExtendsTest, ADropOfSomethingNoParentHasIsRefusedAtItsLine) {
  write("grand.toml", kGrand);
  const std::string child =
      write("child.toml", "extends = \"grand.toml\"\n[[plant]]\nname = \"gamma\"\ndrop = true\n");
  const std::string e = error_of(child);
  EXPECT_NE(e.find(child + ":4:"), std::string::npos) << e;
  EXPECT_NE(e.find("no file it extends has a plant named \"gamma\""), std::string::npos) << e;
  EXPECT_NE(e.find("inherited: alpha, beta"), std::string::npos) << e;
  const std::string also = write("also.toml",
                                 "extends = \"grand.toml\"\n[[plant]]\nname = \"alpha\"\n"
                                 "drop = true\ncancel_probability = 0.2\n");
  EXPECT_NE(error_of(also).find(also + ":5:"), std::string::npos) << error_of(also);
}

TEST_F(ExtendsTest, ErrorsPointIntoTheFileThatHoldsTheValue) {
  std::string bad_parent = kGrand;
  // Line 37 of the parent: cancel_probability of plant "alpha".
  bad_parent.replace(bad_parent.find("cancel_probability = 0.1"), 24, "cancel_probability = 1.5");
  write("grand.toml", bad_parent);
  const std::string child = write("child.toml", "extends = \"grand.toml\"\n[run]\nseed = 9\n");
  std::string e = error_of(child);
  EXPECT_NE(e.find(dir_ + "/grand.toml:37:"), std::string::npos) << e;
  EXPECT_NE(e.find("cancel_probability is 1.5"), std::string::npos) << e;

  write("grand.toml", kGrand);
  const std::string bad_child =
      write("bad_child.toml", "extends = \"grand.toml\"\n\n[[segment]]\nname = \"auto\"\n"
                              "target_cover_days = -3\n");
  e = error_of(bad_child);
  EXPECT_NE(e.find(bad_child + ":5:"), std::string::npos) << e;
  EXPECT_NE(e.find("target_cover_days is -3"), std::string::npos) << e;
}

TEST_F(ExtendsTest, ACycleIsRefusedNamingTheChain) {
  const std::string a = write("a.toml", "extends = \"b.toml\"\n");
  write("b.toml", "extends = \"c.toml\"\n");
  write("c.toml", "extends = \"a.toml\"\n");
  const std::string e = error_of(a);
  EXPECT_NE(e.find("makes a cycle"), std::string::npos) << e;
  EXPECT_NE(e.find(a + " -> " + dir_ + "/b.toml -> " + dir_ + "/c.toml -> " + dir_ + "/a.toml"),
            std::string::npos)
      << e;
  const std::string self = write("self.toml", "extends = \"self.toml\"\n");
  EXPECT_NE(error_of(self).find("makes a cycle"), std::string::npos);
}

TEST_F(ExtendsTest, AMissingParentIsRefusedAtTheExtendsLine) {
  write("mid.toml", "# a comment\nextends = \"nowhere.toml\"\n");
  const std::string child = write("child.toml", "extends = \"mid.toml\"\n");
  const std::string e = error_of(child);
  EXPECT_NE(e.find(dir_ + "/mid.toml:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("cannot read " + dir_ + "/nowhere.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("chain: " + child + " -> " + dir_ + "/mid.toml -> " + dir_ + "/nowhere.toml"),
            std::string::npos)
      << e;
  const std::string number = write("number.toml", "extends = 3\n");
  EXPECT_NE(error_of(number).find("extends must name the parent scenario file"), std::string::npos);
}

TEST_F(ExtendsTest, SetEqualsTheEditedFileBitForBit) {
  write("grand.toml", kGrand);
  std::string edited = kGrand;
  edited.replace(edited.find("median = 15"), 11, "median = 20");
  edited.replace(edited.find("cover_days = 60\nrelease"), 15, "cover_days = 90");
  edited.replace(edited.find("throttle = { Dy = 0.05"), 22, "throttle = { Dy = 0.2");
  const std::string edited_path = write("edited.toml", edited);
  const Scenario by_file = load_scenario_file(edited_path);
  const Scenario by_set = load_scenario_file(
      dir_ + "/grand.toml",
      {"plant.alpha.delay_months.median=20", "stockpile.cover_days=90",
       "regime.escalated.throttle.Dy=0.2"});
  EXPECT_EQ(by_set.overrides.size(), 3u);
  const auto spec_file = build_model_spec(by_file);
  const auto spec_set = build_model_spec(by_set);
  EXPECT_EQ(test::run_cpu(*spec_file, 11, 3000), test::run_cpu(*spec_set, 11, 3000));
  // ... and differs from the unedited scenario, so the comparison can fail.
  const auto spec_grand = build_model_spec(load_scenario_file(dir_ + "/grand.toml"));
  EXPECT_NE(test::run_cpu(*spec_grand, 11, 3000), test::run_cpu(*spec_set, 11, 3000));
}

TEST_F(ExtendsTest, ABadSetKeyOrValueNamesTheOverrideAndWhatIsAllowed) {
  const std::string grand = write("grand.toml", kGrand);
  std::string e = error_of(grand, {"plant.gamma.cancel_probability=0.2"});
  EXPECT_NE(e.find("--set plant.gamma.cancel_probability=0.2: \"plant.gamma\" does not exist"),
            std::string::npos) << e;
  EXPECT_NE(e.find("known here: alpha, beta"), std::string::npos) << e;
  e = error_of(grand, {"stockpile.cover_days=-5"});
  EXPECT_NE(e.find("--set stockpile.cover_days=-5: stockpile.cover_days is -5; allowed: days "
                   "from 0 to 36500"),
            std::string::npos) << e;
  e = error_of(grand, {"stockpile.cover_dayz=5"});
  EXPECT_NE(e.find("--set stockpile.cover_dayz=5: unknown key \"cover_dayz\" in [stockpile]"),
            std::string::npos) << e;
  e = error_of(grand, {"run.allocation=fair"});
  EXPECT_NE(e.find("allowed: \"pro_rata\", \"priority\""), std::string::npos) << e;
  EXPECT_NE(error_of(grand, {"stockpile.cover_days"}).find("expected KEY=VALUE"), std::string::npos);
  // A bare word is a string, so this one is valid:
  EXPECT_EQ(error_of(grand, {"run.allocation=pro_rata"}), "");
}

}  // namespace
}  // namespace rr
