"""Every write of the meetings app, one module per aggregate; import from the module.

- pairs: the pair's cadence and messages, and the checks every write makes first;
- scheduling: proposing, moving, confirming, cancelling and logging meetings;
- agenda: preparing agendas and their items, action items, private notes;
- goals: the mentee's goals;
- calendar: the personal calendar address;
- reminders: what the periodic tasks send (reminders, health flags, check-ins), each once.
"""
