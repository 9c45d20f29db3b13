Function alfa_cagr(start_value, end_value, years)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_cagr = XLPy.CallUDF("alfa_xl.udfs", "alfa_cagr", Array(start_value, end_value, years), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_cagr = XLPy.CallUDF("alfa_xl.udfs", "alfa_cagr", Array(start_value, end_value, years))
        Exit Function
    #End If
failed:
    alfa_cagr = Err.Description
End Function

Function alfa_compare(Optional year, Optional target)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_compare = XLPy.CallUDF("alfa_xl.udfs", "alfa_compare", Array(year, target), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_compare = XLPy.CallUDF("alfa_xl.udfs", "alfa_compare", Array(year, target))
        Exit Function
    #End If
failed:
    alfa_compare = Err.Description
End Function

Function alfa_fact(key)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_fact = XLPy.CallUDF("alfa_xl.udfs", "alfa_fact", Array(key), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_fact = XLPy.CallUDF("alfa_xl.udfs", "alfa_fact", Array(key))
        Exit Function
    #End If
failed:
    alfa_fact = Err.Description
End Function

Function alfa_facts()
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_facts = XLPy.CallUDF("alfa_xl.udfs", "alfa_facts", Array(), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_facts = XLPy.CallUDF("alfa_xl.udfs", "alfa_facts", Array())
        Exit Function
    #End If
failed:
    alfa_facts = Err.Description
End Function

Function alfa_forecast(Optional start_year, Optional end_year, Optional percentiles, Optional paths, Optional seed)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_forecast = XLPy.CallUDF("alfa_xl.udfs", "alfa_forecast", Array(start_year, end_year, percentiles, paths, seed), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_forecast = XLPy.CallUDF("alfa_xl.udfs", "alfa_forecast", Array(start_year, end_year, percentiles, paths, seed))
        Exit Function
    #End If
failed:
    alfa_forecast = Err.Description
End Function

Function alfa_gap(Optional target, Optional year, Optional scenario, Optional lineup)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_gap = XLPy.CallUDF("alfa_xl.udfs", "alfa_gap", Array(target, year, scenario, lineup), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_gap = XLPy.CallUDF("alfa_xl.udfs", "alfa_gap", Array(target, year, scenario, lineup))
        Exit Function
    #End If
failed:
    alfa_gap = Err.Description
End Function

Function alfa_gap_table(Optional target, Optional scenario, Optional start_year, Optional end_year, Optional lineup)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_gap_table = XLPy.CallUDF("alfa_xl.udfs", "alfa_gap_table", Array(target, scenario, start_year, end_year, lineup), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_gap_table = XLPy.CallUDF("alfa_xl.udfs", "alfa_gap_table", Array(target, scenario, start_year, end_year, lineup))
        Exit Function
    #End If
failed:
    alfa_gap_table = Err.Description
End Function

Function alfa_nowcast(Optional units_to_date, Optional months, Optional year, Optional override)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_nowcast = XLPy.CallUDF("alfa_xl.udfs", "alfa_nowcast", Array(units_to_date, months, year, override), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_nowcast = XLPy.CallUDF("alfa_xl.udfs", "alfa_nowcast", Array(units_to_date, months, year, override))
        Exit Function
    #End If
failed:
    alfa_nowcast = Err.Description
End Function

Function alfa_percentiles(Optional scenario, Optional start_year, Optional end_year, Optional percentiles, Optional paths, Optional seed)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_percentiles = XLPy.CallUDF("alfa_xl.udfs", "alfa_percentiles", Array(scenario, start_year, end_year, percentiles, paths, seed), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_percentiles = XLPy.CallUDF("alfa_xl.udfs", "alfa_percentiles", Array(scenario, start_year, end_year, percentiles, paths, seed))
        Exit Function
    #End If
failed:
    alfa_percentiles = Err.Description
End Function

Function alfa_probability(Optional target, Optional year, Optional scenario, Optional paths, Optional seed)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_probability = XLPy.CallUDF("alfa_xl.udfs", "alfa_probability", Array(target, year, scenario, paths, seed), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_probability = XLPy.CallUDF("alfa_xl.udfs", "alfa_probability", Array(target, year, scenario, paths, seed))
        Exit Function
    #End If
failed:
    alfa_probability = Err.Description
End Function

Function alfa_project(Optional scenario, Optional start_year, Optional end_year, Optional by, Optional lineup)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_project = XLPy.CallUDF("alfa_xl.udfs", "alfa_project", Array(scenario, start_year, end_year, by, lineup), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_project = XLPy.CallUDF("alfa_xl.udfs", "alfa_project", Array(scenario, start_year, end_year, by, lineup))
        Exit Function
    #End If
failed:
    alfa_project = Err.Description
End Function

Function alfa_scenarios()
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_scenarios = XLPy.CallUDF("alfa_xl.udfs", "alfa_scenarios", Array(), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_scenarios = XLPy.CallUDF("alfa_xl.udfs", "alfa_scenarios", Array())
        Exit Function
    #End If
failed:
    alfa_scenarios = Err.Description
End Function

Function alfa_tornado(Optional year, Optional scenario)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_tornado = XLPy.CallUDF("alfa_xl.udfs", "alfa_tornado", Array(year, scenario), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_tornado = XLPy.CallUDF("alfa_xl.udfs", "alfa_tornado", Array(year, scenario))
        Exit Function
    #End If
failed:
    alfa_tornado = Err.Description
End Function

Function alfa_total(year, Optional scenario, Optional lineup)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_total = XLPy.CallUDF("alfa_xl.udfs", "alfa_total", Array(year, scenario, lineup), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_total = XLPy.CallUDF("alfa_xl.udfs", "alfa_total", Array(year, scenario, lineup))
        Exit Function
    #End If
failed:
    alfa_total = Err.Description
End Function

Function alfa_years_to_target(current, growth, Optional target)
    #If App = "Microsoft Excel" Then
        If TypeOf Application.Caller Is Range Then On Error GoTo failed
        alfa_years_to_target = XLPy.CallUDF("alfa_xl.udfs", "alfa_years_to_target", Array(current, growth, target), ThisWorkbook, Application.Caller)
        Exit Function
    #Else
        alfa_years_to_target = XLPy.CallUDF("alfa_xl.udfs", "alfa_years_to_target", Array(current, growth, target))
        Exit Function
    #End If
failed:
    alfa_years_to_target = Err.Description
End Function

