"""Resolve: index the loaded resources by name and build the graph of who consumes whom, with every graph
algorithm (reachability, levels, cycles) the later stages use."""
