// Test support: an Observer that keeps every event of a replication, for checking who did what
// when. Used by the model's tests only.
#pragma once

#include "engine/model/simulation.hpp"

#include <vector>

namespace parcours::model::testing {

class Recorder : public Observer {
 public:
  void on_event(const EventRecord& r) override { events.push_back(r); }

  /// The events of one kind, in the order they happened.
  [[nodiscard]] std::vector<EventRecord> of(EventKind kind) const {
    std::vector<EventRecord> out;
    for (const auto& e : events) {
      if (e.kind == kind) {
        out.push_back(e);
      }
    }
    return out;
  }

  std::vector<EventRecord> events;
};

}  // namespace parcours::model::testing
