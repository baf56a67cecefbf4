"""The evaluation of pilots (docs/domain.md §5): checkpoints, scorecards, alerts, their e-mail and
the managers' decisions. One module per concept; the arrows point one way only:

    selectors ← alerts ← scorecards ← sweep          (tasks and the command call sweep)
    selectors, alerts, scorecards ← emails           (the scorecard e-mail, via common.outbox)
    alerts ← decisions                               (the managers' decision, exit evaluation)
    views, api, forms, urls: the pages and endpoints of all the above

Nothing here imports `pilots.views`; pilots' pages include these urls.
"""
