from .criteria import Exclusion, MatchingCriterion, MatchingSettings
from .review import PairEnd, Proposal, ProposalEvent, ProposalView, Suggestion, Vote
from .runs import MatchRun, PublishJob

__all__ = [
    "Exclusion",
    "MatchRun",
    "MatchingCriterion",
    "MatchingSettings",
    "PairEnd",
    "Proposal",
    "ProposalEvent",
    "ProposalView",
    "PublishJob",
    "Suggestion",
    "Vote",
]
